"""The demo sits above everything: no module of the product imports it, nor do the test helpers
(`anef.testing` builds its own data). Tests that exercise the demo itself may import it."""

from anef.testing.imports import ROOT, imports_under, within


def test_no_module_outside_the_demo_imports_it_tests_aside():
    anef = ROOT / "anef"
    found = [
        f"{path}:{line} imports {module}"
        for folder in sorted(p for p in anef.iterdir() if p.is_dir() and p.name != "demo")
        for path, line, module in imports_under(folder)
        if within(module, "anef.demo")
    ]
    assert found == []
