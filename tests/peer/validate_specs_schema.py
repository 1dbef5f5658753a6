"""Validates every examples/specs/*.yaml against schemas/modelspec.v1.schema.json.
Needs PyYAML and jsonschema (the pyenv python3 here has both): python3 tests/peer/validate_specs_schema.py"""
import glob, json, os, sys
import jsonschema, yaml

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
schema = json.load(open(os.path.join(root, "schemas", "modelspec.v1.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sorted(glob.glob(os.path.join(root, "examples", "specs", "*.yaml"))):
    errors = list(v.iter_errors(yaml.safe_load(open(f))))
    print(f"{os.path.basename(f)}: {'ok' if not errors else errors[0].message}")
    bad += bool(errors)
sys.exit(1 if bad else 0)
