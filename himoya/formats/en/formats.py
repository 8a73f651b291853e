# English: one way to write a date everywhere: 8 Mar 2026, 14:05. The month in letters,
# because 03/08/2026 reads as two different days on either side of the Atlantic.
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FIRST_DAY_OF_WEEK = 1
