#!/usr/bin/python3
"""A flame graph (SVG) from folded stacks ("root;caller;...;leaf COUNT" per
line, as ./linux kprofile= writes them; several files are added up).

  flamegraph.py [--title T] [--width PX] OUT.svg FOLDED...

Each box is a function in a stack, as wide as the samples that went through
it there; the root at the bottom, callees above.  Hovering shows the name,
samples and share."""
import argparse
import html
import sys
import zlib


def load(paths):
    root = {"name": "all", "count": 0, "children": {}}
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or " " not in line:
                    continue
                stack, count = line.rsplit(" ", 1)
                try:
                    n = int(count)
                except ValueError:
                    continue
                node = root
                node["count"] += n
                for name in stack.split(";"):
                    node = node["children"].setdefault(name, {"name": name, "count": 0, "children": {}})
                    node["count"] += n
    return root


def depth(node):
    return 1 + max((depth(c) for c in node["children"].values()), default=0)


def color(name):
    h = zlib.crc32(name.encode())
    return "rgb(%d,%d,%d)" % (205 + h % 50, 80 + (h >> 8) % 120, 40 + (h >> 16) % 50)


def render(root, title, width):
    rows = depth(root)
    row_h, top = 17, 40
    height = top + rows * row_h + 10
    total = max(root["count"], 1)
    out = ['<?xml version="1.0" standalone="no"?>',
           '<svg version="1.1" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">' % (width, height),
           '<style>text { font-family: monospace; font-size: 11px; } rect:hover { stroke: black; }</style>',
           '<rect x="0" y="0" width="%d" height="%d" fill="#f8f8f0"/>' % (width, height),
           '<text x="%d" y="20" text-anchor="middle" style="font-size:15px">%s</text>'
           % (width // 2, html.escape(title)),
           '<text x="10" y="34">%d samples</text>' % root["count"]]

    def box(node, x, level):
        w = (width - 20) * node["count"] / total
        if w < 0.3:
            return
        y = height - 10 - (level + 1) * row_h
        label = "%s (%d samples, %.2f%%)" % (node["name"], node["count"], 100.0 * node["count"] / total)
        out.append('<g><title>%s</title><rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s" rx="2"/>'
                   % (html.escape(label), x, y, w, row_h - 1, color(node["name"])))
        chars = int(w / 7)
        if chars >= 3:
            text = node["name"] if len(node["name"]) <= chars else node["name"][:chars - 2] + ".."
            out.append('<text x="%.2f" y="%d">%s</text>' % (x + 3, y + row_h - 5, html.escape(text)))
        out.append("</g>")
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            box(child, cx, level + 1)
            cx += (width - 20) * child["count"] / total
    box(root, 10, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--title", default="vmcore: the kernel's threads")
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("out")
    ap.add_argument("folded", nargs="+")
    a = ap.parse_args()
    root = load(a.folded)
    if not root["count"]:
        sys.exit("flamegraph: no samples in %s" % " ".join(a.folded))
    with open(a.out, "w") as f:
        f.write(render(root, a.title, a.width))
    print("%s: %d samples, %d levels" % (a.out, root["count"], depth(root)))


if __name__ == "__main__":
    main()
