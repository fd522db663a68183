"""Read a rendered page as a user sees its form: field values, the error beside each field, the summary."""

from __future__ import annotations

from html.parser import HTMLParser

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants with this tag whose attributes equal `attrs` (class_ matches one class of many)."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            if "class_" in attrs and attrs["class_"] not in (node.attrs.get("class") or "").split():
                continue
            if all(node.attrs.get(key) == value for key, value in attrs.items() if key != "class_"):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    @property
    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    """The main content of a rendered page."""

    def __init__(self, response):
        builder = _TreeBuilder()
        builder.feed(response.content.decode())
        self.root = builder.root
        self.main = self.root.find("main") or self.root

    @property
    def text(self) -> str:
        return self.main.text

    def form(self) -> Node:
        """The page's own form (the one posting to the page, not the header's logout or language forms)."""
        forms = self.main.find_all("form")
        assert forms, "no form in the page"
        return forms[0]

    def field_errors(self, name: str) -> list[str]:
        """The error messages shown inside the field's form group."""
        group = self.main.find("div", id=f"group-{name}")
        assert group is not None, f"no form group for {name}"
        return [span.text.removeprefix("Fejl:").strip() for span in group.find_all("span", class_="form-error-message")]

    def error_summary(self) -> str:
        summaries = [node for node in self.main.iter() if "data-error-summary" in node.attrs]
        return summaries[0].text if summaries else ""

    def value(self, name: str) -> str | list[str] | None:
        """What the form will send for this field: a text value, or the list of ticked or selected choices."""
        form = self.form()
        controls = [node for node in form.iter() if node.attrs.get("name") == name]
        assert controls, f"no control named {name}"
        first = controls[0]
        if first.tag == "textarea":
            return "".join(child for child in first.children if isinstance(child, str)).strip("\n")
        if first.tag == "select":
            return [option.attrs.get("value") for option in first.find_all("option") if "selected" in option.attrs]
        if first.attrs.get("type") in {"checkbox", "radio"}:
            # A checkbox without a value attribute is sent as "on", as a browser does.
            return [control.attrs.get("value") or "on" for control in controls if "checked" in control.attrs]
        return first.attrs.get("value")

    def assert_keeps(self, posted: dict) -> None:
        """Every value the user typed, ticked or chose is still in the form, ready to resubmit."""
        for name, sent in posted.items():
            shown = self.value(name)
            if isinstance(shown, list):
                sent = sent if isinstance(sent, list | tuple) else [sent]
                assert sorted(shown) == sorted(sent), (name, shown, sent)
            else:
                # An empty input is rendered without a value attribute.
                assert (shown or "") == (sent or ""), (name, shown, sent)
