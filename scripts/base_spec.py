#!/usr/bin/env python3
"""Writes the smallest spec wechat-api's hand-written code needs (the seed's
16 endpoints plus the three the token manager and the release test call),
with only the types those endpoints reach: the "16 endpoints" point of the
build-time measurements.

    python3 scripts/base_spec.py spec/ /tmp/base-spec
"""
import re
import sys
from pathlib import Path

import yaml

KEEP = {
    "component": {"component_token", "create_preauthcode", "query_auth", "authorizer_token",
                  "get_authorizer_info", "clear_quota", "start_push_ticket"},
    "official": {"token", "stable_token", "get_ticket", "clear_quota"},
    "oauth": None,  # all of them
    "message": {"custom_send"},
    "wxa": {"custom_send"},
}


def names_in(node):
    found = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "type" and isinstance(v, str):
                found |= set(re.findall(r"[A-Z][A-Za-z0-9]*", v))
            else:
                found |= names_in(v)
    elif isinstance(node, list):
        for v in node:
            found |= names_in(v)
    return found


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    files = {p.stem: yaml.safe_load(p.read_text()) for p in sorted(src.glob("*.yaml"))}
    types = {}
    for doc in files.values():
        for t in doc.get("types") or []:
            types[t["name"]] = t
    kept = {}
    wanted = set()
    for module, doc in files.items():
        if module not in KEEP:
            continue
        keep = KEEP[module]
        endpoints = [e for e in doc.get("endpoints") or [] if keep is None or e["name"] in keep]
        kept[module] = endpoints
        wanted |= names_in(endpoints)
    # the types reachable from the kept endpoints
    todo = list(wanted)
    while todo:
        t = types.get(todo.pop())
        if t is None:
            continue
        for name in names_in(t.get("fields") or []) | {v.get("type") for v in t.get("variants") or [] if v.get("type")}:
            if name and name not in wanted:
                wanted.add(name)
                todo.append(name)
    count = 0
    for module, doc in files.items():
        module_types = [t for t in doc.get("types") or [] if t["name"] in wanted]
        endpoints = kept.get(module, [])
        if not module_types and not endpoints:
            continue
        new = {"module": doc["module"], "types": module_types, "endpoints": endpoints}
        (out / f"{module}.yaml").write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False))
        count += len(endpoints)
    print(f"wrote {count} endpoints to {out}")


if __name__ == "__main__":
    main()
