"""How Danish pages write dates and times (FORMAT_MODULE_PATH; Django's own da formats fill in the rest).

Templates name the format (`|date:"SHORT_DATE_FORMAT"`, `|fastdate:"DATETIME_FORMAT"`), never spell one
out, so that the English pages (cmm/formats/en) read right too. The abbreviated months are Django's
AP-style "N" (`jan.`, `maj`, `juni`, `sept.`, `dec.`), as Danish abbreviates them: "2. dec. 2026".

All times are Danish time (settings.TIME_ZONE). A deadline of hours carries the zone in words
(HOUR_DEADLINE_FORMAT): its time is what the law counts, and the reader may be abroad (the IOM, a
caseworker travelling), where a bare "14:30" would read as their own time. Records (the timeline, the
access log) show the time without it.
"""

DATE_FORMAT = "j. F Y"  # 2. december 2026
DATETIME_FORMAT = r"j. F Y \k\l. H:i"  # 2. december 2026 kl. 14:30
SHORT_DATE_FORMAT = "j. N Y"  # 2. dec. 2026
SHORT_DATETIME_FORMAT = r"j. N Y \k\l. H:i"  # 2. dec. 2026 kl. 14:30
TIME_FORMAT = "H:i"  # 14:30
# Our own names (every language module defines them: Django prints an unknown name as it stands).
LOG_DATETIME_FORMAT = "j. N Y H:i:s"  # the access log, to the second: 2. dec. 2026 14:30:05
HOUR_DEADLINE_FORMAT = r"j. F Y \k\l. H:i \(\d\a\n\s\k \t\i\d\)"  # 2. december 2026 kl. 14:30 (dansk tid)
