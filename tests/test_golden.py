"""The golden-file helper: update mode writes and fails, refuses CI, and a missing file fails unwritten."""

from __future__ import annotations

import golden
import pytest


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv(golden.UPDATE, raising=False)
    monkeypatch.delenv("CI", raising=False)
    return monkeypatch


def failure(path, actual: str) -> str:
    with pytest.raises(pytest.fail.Exception) as failed:
        golden.check(path, actual)
    return str(failed.value)


def test_the_same_text_passes_and_another_fails_with_the_diff_and_writes_nothing(env, tmp_path):
    path = tmp_path / "page.yml"
    path.write_text("a\nb\n", encoding="utf-8")
    golden.check(path, "a\nb\n")
    message = failure(path, "a\nc\n")
    assert "-b\n+c" in message and f"{golden.UPDATE}=1 pytest" in message
    assert path.read_text(encoding="utf-8") == "a\nb\n"


def test_update_mode_rewrites_the_file_and_still_fails(env, tmp_path):
    env.setenv(golden.UPDATE, "1")
    path = tmp_path / "page.yml"
    path.write_text("old\n", encoding="utf-8")
    assert "page.yml updated: review the diff" in failure(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert "up to date" in failure(path, "new\n")  # nothing to write is no pass either


def test_update_mode_refuses_to_run_in_ci(env, tmp_path):
    env.setenv(golden.UPDATE, "1")
    env.setenv("CI", "true")
    path = tmp_path / "page.yml"
    path.write_text("old\n", encoding="utf-8")
    assert "never in CI" in failure(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert "never in CI" in failure(tmp_path / "missing.yml", "new\n")
    assert not (tmp_path / "missing.yml").exists()


def test_a_missing_golden_file_fails_without_being_written(env, tmp_path):
    path = tmp_path / "sub" / "page.yml"
    message = failure(path, "anything\n")
    assert (
        f"no golden file {path}" in message
        and f"create it with {golden.UPDATE}=1 pytest 'tests/test_golden.py::" in message
    )
    assert not path.exists() and not path.parent.exists()
