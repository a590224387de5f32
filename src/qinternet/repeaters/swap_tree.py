"""Swap trees of repeater chains with any number of segments: balanced, sequential or explicit.

A tree node is a segment index (an elementary link), a :class:`Swap` of two adjacent sub-chains,
or a :class:`Distill` of two links over the same span (e.g. two memories on one segment). The
*level* of a node is its height: elementary links have level 0, a swap or distillation of two
level-0 links has level 1, and so on; cut-offs are given per level. For ``2^n`` segments the
balanced tree is the nested (doubling) protocol of :class:`~qinternet.repeaters.chain.NestedChain`.

Text form (CLI ``--swap-order``): ``balanced``, ``sequential`` or a parenthesised tree of
segment indices such as ``((0,1),(2,3)),4`` (outer parentheses optional); ``d(a,b)`` and
``dejmps(a,b)`` distil two links over the same segments (BBPSSW, DEJMPS), e.g.
``(d(0,0),1)`` or ``d((0,1),(d(0,0),1))``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qinternet.errors import InvalidParameterError

__all__ = [
    "Distill",
    "DistillProtocol",
    "Swap",
    "SwapOrder",
    "TreeNode",
    "balanced_tree",
    "format_tree",
    "parse_tree",
    "sequential_tree",
    "tree_height",
    "tree_span",
]

#: Distillation protocol of a :class:`Distill` node.
DistillProtocol = Literal["bbpssw", "dejmps"]


@dataclass(frozen=True, slots=True)
class Swap:
    """Entanglement swap joining two adjacent sub-chains (left covers the lower segments)."""

    #: Left sub-tree.
    left: TreeNode
    #: Right sub-tree.
    right: TreeNode


@dataclass(frozen=True, slots=True)
class Distill:
    """Distillation of two independent links over the same span (the first is kept)."""

    #: First input link (sub-tree).
    first: TreeNode
    #: Second input link (sub-tree), over the same segments.
    second: TreeNode
    #: "bbpssw" (twirled, Werner output) or "dejmps" (Bell-diagonal output).
    protocol: DistillProtocol = "bbpssw"


TreeNode = int | Swap | Distill
#: A tree or the name of a standard shape.
SwapOrder = Literal["balanced", "sequential"] | TreeNode


def balanced_tree(segments: int) -> TreeNode:
    """Balanced swap tree: the left half has ``ceil(N/2)`` segments, recursively.

    >>> format_tree(balanced_tree(5))
    '(((0,1),2),(3,4))'
    """
    def build(lo: int, hi: int) -> TreeNode:
        if lo == hi:
            return lo
        mid = lo + (hi - lo + 1 + 1) // 2 - 1
        return Swap(build(lo, mid), build(mid + 1, hi))
    return build(0, segments - 1)


def sequential_tree(segments: int) -> TreeNode:
    """Left-to-right swaps ``(((0,1),2),3)...``.

    >>> format_tree(sequential_tree(4))
    '(((0,1),2),3)'
    """
    node: TreeNode = 0
    for k in range(1, segments):
        node = Swap(node, k)
    return node


def tree_span(node: TreeNode) -> tuple[int, int]:
    """Segments ``(first, last)`` covered by ``node``; raises on non-adjacent swaps or
    distillation of links over different spans."""
    if isinstance(node, int):
        return node, node
    if isinstance(node, Swap):
        a, b = tree_span(node.left), tree_span(node.right)
        if b[0] != a[1] + 1:
            raise InvalidParameterError("swap_order", format_tree(node),
                                        "swaps must join adjacent sub-chains, left first")
        return a[0], b[1]
    a, b = tree_span(node.first), tree_span(node.second)
    if a != b:
        raise InvalidParameterError("swap_order", format_tree(node),
                                    "distillation needs two links over the same segments")
    return a


def tree_height(node: TreeNode) -> int:
    """Level of the root (0 for a single segment)."""
    if isinstance(node, int):
        return 0
    if isinstance(node, Swap):
        return 1 + max(tree_height(node.left), tree_height(node.right))
    return 1 + max(tree_height(node.first), tree_height(node.second))


def format_tree(node: TreeNode) -> str:
    """Text form, e.g. ``((0,1),2)``; distillation as ``d(...)`` / ``dejmps(...)``."""
    if isinstance(node, int):
        return str(node)
    if isinstance(node, Swap):
        return f"({format_tree(node.left)},{format_tree(node.right)})"
    tag = "d" if node.protocol == "bbpssw" else "dejmps"
    return f"{tag}({format_tree(node.first)},{format_tree(node.second)})"


def parse_tree(text: str, segments: int) -> TreeNode:
    """Tree from ``balanced``, ``sequential`` or a parenthesised text such as ``((0,1),2)``.

    Raises
    ------
    InvalidParameterError
        Named ``swap_order`` on syntax errors or when the tree does not cover the segments
        ``0..segments-1`` exactly once, in order.

    Examples
    --------
    >>> format_tree(parse_tree("(0,(1,2))", 3))
    '(0,(1,2))'
    >>> format_tree(parse_tree("dejmps((0,1),(d(0,0),1))", 2))
    'dejmps((0,1),(d(0,0),1))'
    """
    name = text.strip().lower()
    if name == "balanced":
        return balanced_tree(segments)
    if name == "sequential":
        return sequential_tree(segments)
    tokens = text.replace(" ", "")
    pos = 0

    def fail(rule: str) -> InvalidParameterError:
        return InvalidParameterError("swap_order", text, rule)

    def node() -> TreeNode:
        nonlocal pos
        protocol: DistillProtocol | None = None
        for tag, proto in (("dejmps(", "dejmps"), ("d(", "bbpssw")):
            if tokens.lower().startswith(tag, pos):
                protocol = proto  # type: ignore[assignment]
                pos += len(tag) - 1
                break
        if pos < len(tokens) and tokens[pos] == "(":
            pos += 1
            left = node()
            if pos >= len(tokens) or tokens[pos] != ",":
                raise fail("must be 'balanced', 'sequential' or a tree like ((0,1),2)")
            pos += 1
            right = node()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise fail("has unbalanced parentheses")
            pos += 1
            if protocol is not None:
                return Distill(left, right, protocol)
            return Swap(left, right)
        start = pos
        while pos < len(tokens) and tokens[pos].isdigit():
            pos += 1
        if start == pos:
            raise fail("must be 'balanced', 'sequential' or a tree like ((0,1),2)")
        return int(tokens[start:pos])

    root = node()
    if pos < len(tokens) and tokens[pos] == ",":   # outer parentheses omitted
        pos += 1
        root = Swap(root, node())
    if pos != len(tokens):
        raise fail("has trailing characters")
    check_tree(root, segments)
    return root


def check_tree(node: TreeNode, segments: int) -> None:
    """Raise unless ``node`` covers segments ``0..segments-1`` exactly once, in order."""
    leaves: list[int] = []

    def walk(n: TreeNode) -> None:
        if isinstance(n, int):
            leaves.append(n)
        elif isinstance(n, Swap):
            walk(n.left)
            walk(n.right)
        else:
            walk(n.first)   # the second input spans the same segments
    walk(node)
    if leaves != list(range(segments)):
        raise InvalidParameterError("swap_order", format_tree(node),
                                    f"must cover the segments 0..{segments - 1} once, in order")
    tree_span(node)
