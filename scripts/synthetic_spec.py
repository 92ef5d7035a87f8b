#!/usr/bin/env python3
"""Writes a synthetic spec of N endpoints with realistic shapes, for build-time
measurements of the generator (issue: cost per endpoint).

    python3 scripts/synthetic_spec.py 150 /tmp/spec150

The shapes follow the real spec's mix: mostly POST with 2-8 body fields
(strings, integers, an enum, a nested object, a list of objects), some GET
with query parameters, responses of 3-10 fields with nested objects and
lists, an integer enum now and then, and an example answer that matches.
Files hold 12 endpoints each, like the real modules.
"""
import json
import random
import sys
from pathlib import Path

PER_FILE = 12


def field(name, ty, optional=False, doc=None):
    lines = [f"      - name: {name}"]
    if ty != "string":
        lines.append(f"        type: {ty}")
    if optional:
        lines.append("        optional: true")
    lines.append(f"        doc: {doc or 'The ' + name.replace('_', ' ') + '.'}")
    return "\n".join(lines)


def sample(ty, types):
    if ty == "string":
        return "text"
    if ty in ("i64", "u32", "u64", "i32"):
        return 7
    if ty == "bool":
        return True
    if ty.startswith("list<"):
        return [sample(ty[5:-1], types)]
    kind, fields = types[ty]
    if kind == "int_enum":
        return 1
    if kind == "str_enum":
        return "first"
    return {n: sample(t, types) for n, t, _ in fields}


def main():
    total = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    rng = random.Random(total)
    made = 0
    module = 0
    while made < total:
        module += 1
        name = f"synthetic_{module:03}"
        prefix = f"S{module:03}"
        types = {}
        type_text = []
        # per module: a status enum, a string enum, and one nested object per endpoint
        types[f"{prefix}Status"] = ("int_enum", None)
        type_text.append(
            f"  - name: {prefix}Status\n    doc: A status.\n    values:\n"
            + "".join(f"      - value: {v}\n        rust: State{v}\n        doc: State {v}.\n" for v in range(4))
        )
        types[f"{prefix}Kind"] = ("str_enum", None)
        type_text.append(f"  - name: {prefix}Kind\n    doc: A kind.\n    values: [first, second, third]\n")
        endpoints = []
        for e in range(min(PER_FILE, total - made)):
            item = f"{prefix}Item{e}"
            item_fields = [(f"field_{i}", rng.choice(["string", "i64", "u32", "bool"]), False) for i in range(rng.randint(2, 5))]
            item_fields.append(("kind", f"{prefix}Kind", True))
            types[item] = ("object", item_fields)
            type_text.append(
                f"  - name: {item}\n    doc: An item.\n    fields:\n"
                + "\n".join(field(n, t, o) for n, t, o in item_fields) + "\n"
            )
            get = rng.random() < 0.2
            params = []
            if get:
                params = [(f"param_{i}", rng.choice(["string", "u32"]), i > 0) for i in range(rng.randint(1, 3))]
                params_text = "    query:\n" + "\n".join(field(n, t, o) for n, t, o in params) + "\n"
            else:
                params = [(f"param_{i}", rng.choice(["string", "i64", "u32"]), i > 1) for i in range(rng.randint(1, 5))]
                params.append(("items", f"list<{item}>", True))
                params.append(("kind", f"{prefix}Kind", True))
                params_text = "    body:\n" + "\n".join(field(n, t, o) for n, t, o in params) + "\n"
            response = [(f"result_{i}", rng.choice(["string", "i64", "u32", "bool"]), i > 2) for i in range(rng.randint(2, 7))]
            response.append(("status", f"{prefix}Status", False))
            response.append(("item", item, True))
            response.append(("list", f"list<{item}>", True))
            example = {"errcode": 0, "errmsg": "ok"}
            example.update({n: sample(t, types) for n, t, _ in response})
            endpoints.append(
                f"  - name: call_{e}\n    doc: Synthetic endpoint {e}.\n    link: https://developers.weixin.qq.com/doc/synthetic/{name}/{e}.html\n"
                f"    method: {'GET' if get else 'POST'}\n    path: /cgi-bin/{name}/call_{e}\n    credential: access_token\n"
                + params_text
                + "    response:\n" + "\n".join(field(n, t, o) for n, t, o in response) + "\n"
                + f"    example: '{json.dumps(example)}'\n"
            )
            made += 1
        text = f"module: {name}\ndoc: Synthetic module {module}.\ntypes:\n" + "".join(type_text) + "endpoints:\n" + "".join(endpoints)
        (out / f"{name}.yaml").write_text(text)
    print(f"wrote {made} endpoints in {module} files to {out}")


if __name__ == "__main__":
    main()
