"""Comments as threads: each reply under its parent, in order; a reply whose parent is gone stays at the root."""


def threaded(comments) -> list[tuple[object, int]]:
    """(comment, level) pairs in reading order, from the comments of one contribution."""
    by_parent: dict = {}
    ids = {comment.pk for comment in comments}
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in ids else None
        by_parent.setdefault(parent, []).append(comment)
    ordered: list[tuple[object, int]] = []
    seen: set = set()

    def walk(parent, level):
        for comment in by_parent.get(parent, []):
            if comment.pk not in seen:
                seen.add(comment.pk)
                ordered.append((comment, min(level, 4)))
                walk(comment.pk, level + 1)

    walk(None, 0)
    # Replies caught in a loop of parents (never in a sane export) are still shown, at the root.
    ordered += [(comment, 0) for comment in comments if comment.pk not in seen]
    return ordered
