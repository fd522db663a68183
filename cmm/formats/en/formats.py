"""How English pages write dates and times: British style, day first (see cmm/formats/da/formats.py)."""

DATE_FORMAT = "j F Y"  # 2 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 2 December 2026, 14:30
SHORT_DATE_FORMAT = "j M Y"  # 2 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 2 Dec 2026, 14:30
TIME_FORMAT = "H:i"  # 14:30
LOG_DATETIME_FORMAT = "j M Y H:i:s"  # 2 Dec 2026 14:30:05
HOUR_DEADLINE_FORMAT = r"j F Y, H:i \(\D\a\n\i\s\h \t\i\m\e\)"  # 2 December 2026, 14:30 (Danish time)
