"""The type information the wheel ships: each ``.pyi`` stub beside its module declares what the
module has, with the same parameters."""

import ast
import glob
import importlib
import inspect
import os

import pytest

from paths import ROOT

BUILTIN_KINDS = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list, "tuple": tuple}
STUBS = sorted(glob.glob(os.path.join(ROOT, "totango_py", "**", "*.pyi"), recursive=True))


@pytest.mark.parametrize("stub", STUBS, ids=[os.path.relpath(s, ROOT) for s in STUBS])
def test_stub_matches_its_module(stub):
    """Every function and method a stub declares exists in the module with the same parameters."""
    module_name = os.path.relpath(stub, ROOT)[:-4].replace(os.sep, ".").replace(".__init__", "")
    module = importlib.import_module(module_name)
    tree = ast.parse(open(stub, encoding="utf-8").read())
    checked = 0
    for node in tree.body:
        if isinstance(node, ast.AnnAssign):  # a module-level name: it exists, of the declared kind
            name, kind = node.target.id, ast.unparse(node.annotation).split("[")[0]
            assert hasattr(module, name), "%s is in the stub only" % name
            if kind in BUILTIN_KINDS:
                assert isinstance(getattr(module, name), BUILTIN_KINDS[kind]), name
            checked += 1
        owners = [(module, node)] if isinstance(node, ast.FunctionDef) else []
        if isinstance(node, ast.ClassDef) and hasattr(module, node.name):
            runtime_class = getattr(module, node.name)
            if not inspect.isclass(runtime_class) or runtime_class.__module__ != module_name:
                continue
            owners = [(runtime_class, item) for item in node.body if isinstance(item, ast.FunctionDef)]
        elif isinstance(node, ast.ClassDef):
            assert node.bases and ast.unparse(node.bases[0]) == "Protocol", "%s missing" % node.name
        for owner, function in owners:
            runtime = getattr(owner, function.name, None)
            assert runtime is not None, "%s.%s is in the stub only" % (owner.__name__, function.name)
            actual = [{p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
                      for p in inspect.signature(runtime).parameters.values()]
            declared = [a.arg for a in function.args.posonlyargs + function.args.args]
            declared += ["*" + function.args.vararg.arg] if function.args.vararg else []
            if any(name.startswith("**") for name in actual):
                # The stub may spell out, as keyword-only parameters, what the code takes as **kwargs.
                actual = [name for name in actual if not name.startswith("**")]
            else:
                declared += [a.arg for a in function.args.kwonlyargs]
                declared += ["**" + function.args.kwarg.arg] if function.args.kwarg else []
            assert sorted(declared) == sorted(actual), "%s.%s" % (owner.__name__, function.name)
            checked += 1
    if not stub.endswith("__init__.pyi"):
        assert checked > 0
