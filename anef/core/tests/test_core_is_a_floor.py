"""`anef.core` is the floor: infrastructure that every app may use and that imports no other app of
ours (names of tasks and sweeps are dotted-path strings, not imports). Its own tests may use the
whole project and are left out."""

from anef.testing.imports import ROOT, imports_under, within


def test_no_module_of_core_imports_another_app_of_ours():
    found = [
        f"{path}:{line} imports {module}"
        for path, line, module in imports_under(ROOT / "anef" / "core")
        if within(module, "anef") and not within(module, "anef.core")
    ]
    assert found == []


def test_the_check_sees_every_form_of_import(tmp_path, monkeypatch):
    """The walk over the source finds imports inside functions, relative ones and `from anef import x`."""
    from anef.testing import imports

    package = tmp_path / "anef" / "core" / "sub"
    package.mkdir(parents=True)
    (package / "module.py").write_text(
        "import anef.accounts\nfrom anef import portal\nfrom ...applications import services\n"
        "def f():\n    from anef.documents.models import UploadedDocument\n"
        "from .. import tasks\nfrom anef.core.http import user_file_response\n"
    )
    monkeypatch.setattr(imports, "ROOT", tmp_path)
    found = sorted(module for _path, _line, module in imports.imports_under(tmp_path / "anef" / "core"))
    assert found == [
        "anef.accounts",
        "anef.applications.services",
        "anef.core.http.user_file_response",
        "anef.core.tasks",
        "anef.documents.models.UploadedDocument",
        "anef.portal",
    ]
