"""Applies the pinned patches of tools/patches.py to a runtime's vendored files, with one
policy: a patch must match exactly once and replace exactly the text its hash pins, else
the build stops; a size-only patch that misses is a warning, its part left as published.

``python3 -m tools.patching`` lists, for each runtime's installed version, what every patch
matches and the hash of that text: what to check and pin when a runtime is updated.
"""

import hashlib
import os

from .files import locked_version, package_version
from .install import MODULES
from .patches import PINNED
from .progress import log

TABLE_FILE = "tools/patches.py"
PIN_LENGTH = 12


class PatchFailed(SystemExit):
    """The build stops: a patch no longer fits the vendored file it was pinned against."""

    def __init__(self, message):
        super().__init__("build failed: " + message)


def pin(text):
    """What ``Patch.removes`` holds for ``text``: its sha256's first 12 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:PIN_LENGTH]


def pinned_patches(package, version, table=PINNED):
    """``{file name: [Patch, …]}`` pinned for ``package@version``, in the order they apply."""
    key = "%s@%s" % (package, version)
    if key not in table:
        pinned = sorted(k for k in table if k.rsplit("@", 1)[0] == package)
        raise PatchFailed(
            "no patches are pinned for npm package %s at version %s (package-lock.json); %s pins %s. "
            "`python3 -m tools.patching` shows what those patches match in the installed files, with the "
            "hash of each text: read them, then pin them under %r in %s" % (
                package, version, TABLE_FILE, ", ".join(pinned) or "none for it", key, TABLE_FILE))
    check_table(key, table[key])
    return table[key]


def check_table(key, files):
    """The entry's own consistency: unique names, hashes of the right form, and each need
    naming a patch that comes earlier (so its outcome is known when the need is checked)."""
    seen = set()
    for file_name, patches in files.items():
        for patch in patches:
            where = "%r (%s of %s in %s)" % (patch.name, file_name, key, TABLE_FILE)
            if patch.name in seen:
                raise PatchFailed("two patches are named %s" % where)
            if len(patch.removes) != PIN_LENGTH or patch.removes.strip("0123456789abcdef"):
                raise PatchFailed("patch %s pins no hash of the text it replaces (%r)" % (where, patch.removes))
            for need in patch.needs:
                if need not in seen:
                    raise PatchFailed("patch %s needs %r, which is not a patch before it" % (where, need))
            seen.add(patch.name)


def apply(file_name, text, patches, applied, where=""):
    """``text`` with ``patches`` applied in order. ``applied`` maps the name of each patch
    seen so far (in any file of the package) to whether it applied; it is updated."""
    def missed(patch, why):
        applied[patch.name] = False
        if not patch.size_only:
            raise PatchFailed("patch %r of %s%s %s; update it in %s" % (patch.name, file_name, where, why, TABLE_FILE))
        log("warning: patch %r of %s%s %s: size-only, so that part stays as published" % (
            patch.name, file_name, where, why))

    for patch in patches:
        unmet = [need for need in patch.needs if not applied.get(need)]
        if unmet:
            missed(patch, "is left out: it needs %s, which did not apply" % ", ".join(map(repr, unmet)))
            continue
        found = list(patch.pattern.finditer(text))
        if not found:
            missed(patch, "matches 0 times, not exactly once")
            continue
        if len(found) > 1:
            raise PatchFailed("patch %r of %s%s matches %d times, not exactly once; update it in %s" % (
                patch.name, file_name, where, len(found), TABLE_FILE))
        match = found[0]
        removed = match.group(0)
        if pin(removed) != patch.removes:
            raise PatchFailed(
                "patch %r of %s%s would replace %d characters at offset %d whose hash is %s, not the pinned %s "
                "(%r … %r); check that text and update the patch in %s" % (
                    patch.name, file_name, where, len(removed), match.start(), pin(removed), patch.removes,
                    removed[:60], removed[-60:], TABLE_FILE))
        text = text[:match.start()] + match.expand(patch.replacement) + text[match.end():]
        applied[patch.name] = True
    return text


def patch_files(package, version, texts, table=PINNED):
    """``texts`` (``{file name: text}``, the package's vendored files) with the patches pinned
    for ``package@version`` applied; a file with no patches is returned as it is."""
    files = pinned_patches(package, version, table)
    missing = [name for name in files if name not in texts]
    if missing:
        raise PatchFailed("%s pins patches for %s of %s@%s, which the build does not copy" % (
            TABLE_FILE, ", ".join(missing), package, version))
    out = dict(texts)
    applied = {}
    for file_name, patches in files.items():
        out[file_name] = apply(file_name, out[file_name], patches, applied, " (%s@%s)" % (package, version))
    return out


def vendored_version(package):
    """The version package-lock.json pins, checked against the one installed in node_modules."""
    version = locked_version(package)
    installed = package_version(package)
    if installed != version:
        raise PatchFailed("node_modules holds %s %s but package-lock.json pins %s: run `npm ci`" % (
            package, installed, version))
    return version


def survey(package, version, table=PINNED):
    """Lines saying what each patch pinned for ``package@version`` (or, when there is no such
    entry, for the last one pinned for the package) matches in the installed files."""
    key = "%s@%s" % (package, version)
    if key not in table:
        older = [k for k in table if k.rsplit("@", 1)[0] == package]
        if not older:
            return ["%s: no patches pinned for any version" % key]
        key = older[-1]
    lines = ["%s, with the patches pinned for %s:" % ("%s@%s" % (package, version), key)]
    applied = {}
    for file_name, patches in table[key].items():
        with open(os.path.join(MODULES, package, file_name), encoding="utf-8") as handle:
            text = handle.read()
        for patch in patches:
            unmet = [need for need in patch.needs if not applied.get(need)]
            found = [] if unmet else list(patch.pattern.finditer(text))
            applied[patch.name] = len(found) == 1
            if len(found) == 1:
                removed = found[0].group(0)
                state = "ok" if pin(removed) == patch.removes else "NEW HASH"
                lines.append("  %-8s %s  %s: %s (%d characters: %r … %r)" % (
                    state, pin(removed), file_name, patch.name, len(removed), removed[:40], removed[-40:]))
                text = text[:found[0].start()] + found[0].expand(patch.replacement) + text[found[0].end():]
            else:
                lines.append("  %-8s %s  %s: %s (%s)" % (
                    "MISSED" if not found else "MANY", "-" * PIN_LENGTH, file_name, patch.name,
                    "needs " + ", ".join(unmet) if unmet else "%d matches" % len(found)))
    return lines


if __name__ == "__main__":
    from .runtimes import RUNTIMES

    for runtime in RUNTIMES.values():
        print("\n".join(survey(runtime["package"], vendored_version(runtime["package"]))))
