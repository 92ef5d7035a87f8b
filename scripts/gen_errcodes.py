#!/usr/bin/env python3
"""Regenerates the `errcodes!` list of wechat-api/src/errcode.rs.

Facts come from WeChat's global return code tables (公众平台全局返回码,
开放平台全局返回码, 小程序全局返回码) as other SDKs transcribe them: WxJava's
WxOpenErrorMsgEnum, WxMpErrorMsgEnum and WxMaErrorMsgEnum (pass the three
.java files). Hand-written entries already in errcode.rs keep their name and
meaning; every other code gets:

- name: WeChat's own English errmsg for it in SCREAMING_SNAKE_CASE (first
  eight words), or CODE_<n> when WeChat gives only a Chinese text;
  a name already taken gets _<n> appended;
- meaning: the table's Chinese text, with the English errmsg after it.

Usage: scripts/gen_errcodes.py WxOpenErrorMsgEnum.java WxMpErrorMsgEnum.java WxMaErrorMsgEnum.java
"""
import re
import sys

RS = "wechat-api/src/errcode.rs"
ENTRY = re.compile(r'/\*\*(.*?)\*/\s*CODE_\w+\((-?\d+),\s*"((?:[^"\\]|\\.)*)"\)', re.S)
LINE = re.compile(r'^    ([A-Z0-9_]+) = (-?\d+), "((?:[^"\\]|\\.)*)";$')


def parse(path):
    out = {}
    for comment, code, text in ENTRY.findall(open(path, encoding="utf-8").read()):
        comment = " ".join(l.strip(" *\t") for l in comment.strip().splitlines()).strip()
        english = re.search(r"([\x20-\x7e]+)$", comment)
        english = english.group(1).strip().replace("\\\\", "\\") if english else ""
        if not re.search(r"[A-Za-z]{3}", english) or english == text.strip():
            english = "" if not re.search(r"^[\x20-\x7e]+$", text) else text.strip()
        text = text.replace("\\\\", "\\")  # the Java string's own escapes
        chinese = text.strip()
        if re.fullmatch(r"[\x20-\x7e]+", chinese):
            chinese = ""
        out.setdefault(int(code), (chinese, english))
    return out


def name_of(english):
    english = re.sub(r"https?://\S+", " ", english)
    if not re.search(r"[A-Za-z]{3}", english):
        return ""
    words = re.sub(r"[^A-Za-z0-9]+", " ", english).split()[:8]
    name = "_".join(w.upper() for w in words)
    if not name:
        return ""
    if name[0].isdigit():
        name = "E_" + name
    return name


def clean(text):
    text = re.sub(r"\s+", " ", text.replace('\\"', "'").replace('"', "'")).strip()
    return text.rstrip("。.!！ ;；")


def main():
    codes = {}
    for path in sys.argv[1:]:
        for code, entry in parse(path).items():
            codes.setdefault(code, entry)
    source = open(RS, encoding="utf-8").read()
    start = source.index("errcodes! {\n") + len("errcodes! {\n")
    end = source.index("\n}\n", start)
    hand = {}
    for line in source[start:end].splitlines():
        m = LINE.match(line)
        if m:
            hand[int(m.group(2))] = (m.group(1), m.group(3))
    taken = {name for name, _ in hand.values()}
    lines = []
    for code in sorted(set(codes) | set(hand)):
        if code == 0:
            continue  # success, not an error
        if code in hand:
            name, meaning = hand[code]
        else:
            chinese, english = codes[code]
            name = name_of(english) or f"CODE_{code}".replace("-", "MINUS_")
            if name in taken:
                name = f"{name}_{code}".replace("-", "MINUS_")
            if english.strip(" :：") and english.strip(" :：") in chinese:
                english = ""  # the comment only repeats the text's tail
            parts = [p for p in (clean(chinese), clean(english)) if p]
            meaning = " — ".join(parts) if len(parts) == 2 else parts[0]
            meaning = meaning.replace("\\", "\\\\")
        taken.add(name)
        lines.append(f'    {name} = {code}, "{meaning}";')
    open(RS, "w", encoding="utf-8").write(source[:start] + "\n".join(lines) + source[end:])
    print(f"{len(lines)} codes ({len(hand)} hand-written)")


if __name__ == "__main__":
    main()
