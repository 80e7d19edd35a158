"""The whoosh patches: applied only by an explicit call, once, and only to the whoosh
version they were written for. Each check runs in a fresh Python process, since a test
process has long been patched by the fixtures that build indexes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from app.config import ROOT


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.slow
def test_nothing_is_patched_at_import_and_apply_is_idempotent():
    done = run(
        """
        import app.search.run, app.search.index, app.ingest, app.web.app, bench.search
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from app.search import whoosh_patches

        stock = W3LeafMatcher.skip_to
        assert not whoosh_patches.applied()
        assert stock.__module__ == "whoosh.codec.whoosh3"
        whoosh_patches.apply()
        whoosh_patches.apply()
        assert whoosh_patches.applied()
        assert W3LeafMatcher.skip_to is whoosh_patches._skip_to
        print("ok")
        """
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.slow
def test_opening_an_index_applies_the_patches(tmp_path):
    done = run(
        f"""
        from app.search import whoosh_patches
        from app.search.index import SearchIndex

        assert not whoosh_patches.applied()
        SearchIndex({str(tmp_path)!r})
        assert whoosh_patches.applied()
        print("ok")
        """
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_another_whoosh_version_is_refused():
    done = run(
        """
        import whoosh
        from app.search import whoosh_patches

        whoosh.__version__ = (2, 7, 6)
        try:
            whoosh_patches.apply()
        except whoosh_patches.UnsupportedWhoosh as exc:
            assert "2.7.6" in str(exc) and "2.7.5" in str(exc)
            assert not whoosh_patches.applied()
            print("refused")
        """
    )
    assert done.returncode == 0 and done.stdout.strip() == "refused", done.stderr
