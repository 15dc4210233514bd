"""French typography: a non-breaking space before : ; ? ! and », after «, where text written in
French has an ordinary space or none (an ordinary space lets the sign wrap alone to the next line)."""

import re

NBSP = "\u00a0"


def french_spacing(text: str) -> str:
    text = re.sub(r"(\S) ([:;?!»])", lambda m: m.group(1) + NBSP + m.group(2), text)
    text = re.sub(r"«[ ]?(?=[^\s\u00a0])", "«" + NBSP, text)
    text = re.sub(r"(?<=[^\s\u00a0])»", NBSP + "»", text)
    # "Date:" with no space at all (but not "14:30", "https://", "%(x)s" formats).
    return re.sub(r"([^\W\d_]|[)»%])([:;?!])(?=\s|$)", lambda m: m.group(1) + NBSP + m.group(2), text)
