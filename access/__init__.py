"""The one access policy, above the apps it governs: who may see which case, do what, and read which parts.

- `policy`: actions and their rules, each role's scope of cases, the policy entry of every URL, and the
  queries every list and look-up starts from (`visible_cases`, `case_for_view`).
- `fields`: need-to-know, the parts of a case each role and share scope may read.
- `middleware`: default deny for every URL, and the step-up a route asks for.

The apps' views, APIs, services and tasks ask this package; nothing else decides. It reads the apps'
models; no app's models read it.
"""
