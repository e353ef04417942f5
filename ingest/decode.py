"""Text from a file's bytes: byte-order mark, UTF-8, a declared charset, else the likeliest legacy encoding."""

from __future__ import annotations

import re

from ingest.formats import FORMAT_FIX
from newsdesk.errors import InputError

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))  # fmt: skip
# legacy encodings tried when a file is not UTF-8; on a tie the web's usual cp1252 (a latin-1 superset) wins
LEGACY_ENCODINGS = ["cp1252", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
                    "iso8859_15", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]  # fmt: skip
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{2,40})|<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{2,40})""",
    re.I,
)
_MESS_LIMIT = 0.2  # charset-normalizer's own threshold for "this decoding is chaos"


def decode_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text from bytes: by byte-order mark, as UTF-8, as a declared charset, else the likeliest legacy
    encoding (charset-normalizer), named in a warning; a decoding that reads as garbage is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            if encoding != "utf-8":
                _check_plausible(text, encoding, data[len(bom) :], name)
            return text, []
    if b"\x00" in data:
        raise InputError(name, "looks like a binary file (it contains NUL bytes), not text", fix=FORMAT_FIX)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    encoding = None
    if sum(1 for c in text if c > "\x7f") <= 2 * bad:  # few valid UTF-8 sequences: a legacy encoding
        encoding, legacy = _legacy_decode(data)
    if encoding is None:
        warnings = [f"{name}: {bad} invalid UTF-8 sequences, replaced with \ufffd"]
    else:
        text, warnings = legacy, [f"{name}: not UTF-8; decoded as {encoding}"]
    sample = text[:8192]
    odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r\f\v"))
    if odd > 0.3 * len(sample):
        raise InputError(name, "looks like a binary file (mostly non-text bytes), not text", fix=FORMAT_FIX)
    if encoding is not None:
        _check_plausible(text, encoding, data, name)
    return text, warnings


def _legacy_decode(data: bytes) -> tuple[str | None, str]:
    """(encoding, text) by a declared charset that decodes, else charset-normalizer's best legacy guess."""
    import codecs

    import charset_normalizer

    if m := _DECLARED.search(data[:4096]):
        declared = (m.group(1) or m.group(2)).decode("ascii")
        try:
            return codecs.lookup(declared).name, data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS))
    if not matches:
        return None, ""
    best = matches[0]
    tied = {
        e
        for m in matches
        if (m.chaos, m.coherence) == (best.chaos, best.coherence)
        for e in m.could_be_from_charset
    }
    encoding = next((e for e in LEGACY_ENCODINGS if e in tied), best.encoding)
    return encoding, data.decode(encoding, errors="replace")


def _check_plausible(text: str, encoding: str, data: bytes, name: str) -> None:
    """An InputError when the decoded text reads as garbage: the file's label (BOM, charset) is wrong."""
    from charset_normalizer.md import mess_ratio

    sample = text[:65536]
    if mess_ratio(sample, _MESS_LIMIT) < _MESS_LIMIT:
        return
    hint = ""
    if encoding.startswith("utf-16"):
        try:
            data.decode("utf-8")
            hint = " (its bytes after the UTF-16 byte-order mark are plain 8-bit text)"
        except UnicodeDecodeError:
            pass
    raise InputError(
        name,
        f"decoded as {encoding}, the text is garbage: the file is mislabeled{hint}",
        fix="save the file again as UTF-8 (without a byte-order mark), then ingest it again",
    )
