#!/usr/bin/env python3
"""Regenerates test/fixtures/pydantic/*.json: what pydantic 2.13, FastAPI 0.141 and Python answer, so CI needs no Python.

Run from the repository root with pydantic 2.13.x installed: python3 scripts/pydantic-oracle.py
With --live-422 it writes no file: it reads JSON lines [pipeline_id, version_id or null] on stdin and answers each
with a JSON line, FastAPI's 422 body for them or null when both are valid (test/contract/uuid.pydantic-live.test.ts).
FastAPI itself is not needed: the few things it adds (the 422 body, the OpenAPI document) are rebuilt here
from its source as read at 0.141 (fastapi/openapi/utils.py get_openapi, fastapi/openapi/models.py field order).
"""
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qsl, quote, unquote
from uuid import UUID

import pydantic
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / 'test' / 'fixtures' / 'pydantic'
REF_TEMPLATE = '#/components/schemas/{model}'


# The response models as the backend declares them (field order = the documented order).
class StepConfig(BaseModel):
    query_type: str
    query: str
    input_datasets: list[str]
    output_datasets: list[str]
    job_type: str


class StepRead(BaseModel):
    name: str
    config: StepConfig
    created_at: datetime
    id: UUID


class PipelineVersionRead(BaseModel):
    id: UUID
    pipeline_id: UUID
    steps: list[StepRead]
    created_at: datetime


class RunStepMetadata(BaseModel):
    name: str
    run_name: str
    status: str
    started_at: Optional[datetime]
    finished_at: Optional[datetime]


class RunRead(BaseModel):
    id: UUID
    pipeline_config_version_id: UUID
    name: str
    status: str
    argo_manifest: dict[str, Any]
    argo_metadata: dict[str, Any]
    pipeline_version: PipelineVersionRead
    created_at: datetime
    finished_at: Optional[datetime]
    run_steps: list[RunStepMetadata]


def starlette_json(content: Any) -> str:
    """starlette JSONResponse.render: compact, raw UTF-8."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(',', ':'))


# --- UUID parsing: path pipeline_id is `UUID`, query version_id is `UUID | None` -------------------------------
UUID_INPUTS = [
    '67e55044-10b1-426f-9247-bb680e5fe0c8', '67E55044-10B1-426F-9247-BB680E5FE0C8', '67e5504410b1426f9247bb680e5fe0c8',
    '{67e55044-10b1-426f-9247-bb680e5fe0c8}', 'urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8',
    'urn:uuid:67E55044-10B1-426F-9247-BB680E5FE0C8', '{67E5504410B1426F9247BB680E5FE0C8}',
    'URN:UUID:67e55044-10b1-426f-9247-bb680e5fe0c8', 'not-a-uuid', '123', '', ' ', '-', 'g', '%zz', 'a b',
    '67e55044-10b1-426f-9247-bb680e5fe0c', '67e55044-10b1-426f-9247-bb680e5fe0c8a', '67e55044-10b1-426f-9247bb680e5fe0c8',
    '67e55044-10b1-426f9247-bb680e5fe0c8', '67e5504410b1-426f-9247-bb680e5fe0c8-', '67e55044-10b1-426f-9247-bb680e5fe0c8-',
    '67e5504-410b1-426f-9247-bb680e5fe0c8', '67e55044-10b-1426f-9247-bb680e5fe0c8', '67e55044-10b1-426-f9247-bb680e5fe0c8',
    '67e55044-10b1-426f-924-7bb680e5fe0c8', '67e55044-10b1-426f-9247-bb680e5fe0cz', '67e55044-10b1-426f-9247-bb680e5fe0c\u00e9',
    '{67e55044-10b1-426f-9247-bb680e5fe0cz}', 'urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0cz', '{67e55044-10b1-426f-9247-bb680e5fe0c8',
    '67e55044-10b1-426f-9247-bb680e5fe0c8}', '{}', '{', 'urn:uuid:', 'urn:uuid:123', '{123}', '{67e5504410b1426f9247bb680e5fe0c8}',
    '67e5504410b1426f9247bb680e5fe0c', '67e5504410b1426f9247bb680e5fe0c8a', '67e5504410b1426f9247bb680e5fe0cg', '\u00e9',
    '\u2603-snowman', '67e55044_10b1_426f_9247_bb680e5fe0c8', '----', '-----', '00000000-0000-0000-0000-00000000000',
    '0000000000000000000000000000000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\ufffd', 'null', '1e3',
]


def uuid_case(raw: str) -> dict[str, Any]:
    try:
        return {'input': raw, 'ok': True, 'uuid': str(TypeAdapter(UUID).validate_python(raw))}
    except ValidationError as exc:
        [error] = exc.errors(include_url=False)
        assert error['type'] == 'uuid_parsing', error
        return {'input': raw, 'ok': False, 'error': error['ctx']['error'], 'msg': error['msg']}


def fastapi_422(pipeline_id: str, version_id: Optional[str]) -> Optional[str]:
    """fastapi.dependencies.utils.request_params_to_args + request_validation_exception_handler."""
    errors: list[dict[str, Any]] = []
    params: list[tuple[tuple[str, str], Any, Optional[str]]] = [(('path', 'pipeline_id'), UUID, pipeline_id)]
    if version_id is not None:
        params.append((('query', 'version_id'), Optional[UUID], version_id))
    for loc, annotation, value in params:
        try:
            TypeAdapter(annotation).validate_python(value)
        except ValidationError as exc:
            errors.extend({**err, 'loc': loc + tuple(err['loc'])} for err in exc.errors(include_url=False))
    if not errors:
        return None
    return starlette_json({'detail': json.loads(json.dumps(errors, default=str))})


VALIDATION_CASES = [
    ('not-a-uuid', None), ('not-a-uuid', '123'), ('67e55044-10b1-426f-9247-bb680e5fe0c8', ''),
    ('67e55044-10b1-426f-9247-bb680e5fe0c8', 'zz'), ('123', ''), ('{67e55044-10b1-426f-9247-bb680e5fe0cz}', None),
    ('caf\u00e9', 'urn:uuid:x'), ('67e55044-10b1-426f-9247-bb680e5fe0c8', '67e55044-10b1-426f-9247-bb680e5fe0c8'),
]


# --- How Starlette reads a URL: the path unquoted, the query by parse_qsl, the redirect location quoted ---------------
URL_PATHS = [
    '/pipelines/abc/runs/', '/pipelines/a%2Fb/runs/', '/pipelines/%zz/runs/', '/pipelines/%41%42/runs/', '/p/caf%C3%A9',
    '/p/%C3', '/p/%C3%28', '/p/%E2%82', '/p/%F0%9F%98%80', '/p/%f0%9f%98%80x', '/p/100%', '/p/%', '/p/%2', '/p/%%41',
    '/p/a+b', '/p/%20', '/p/%0A', '/p/%00', '/p/\u00e9', '/p/%FF%FE', '/p/%ED%A0%80',
]
QUERIES = [
    'version_id=abc', 'version_id=', 'version_id', 'a=1&version_id=x&version_id=y', 'version_id=x&version_id=',
    'version_id=a+b', 'version_id=a%2Bb', 'version%5Fid=z', 'version_id=%zz', 'version_id=caf%C3%A9', 'version_id=%C3',
    '&&version_id=q&&', 'version_id=a=b', 'version_id=1;version_id=2', 'VERSION_ID=x', 'version_id=%20x%20', '=x',
    'version_id=x&version_id', 'foo', '',
]
LOCATIONS = [
    'http://h/pipelines/a b/runs/', 'http://h/pipelines/caf\u00e9/runs/?q=\u00e9', 'http://h/p/100%/runs/',
    "http://h/p/a!$&'()*+,;=:@[]~_.-/runs/?x=1#frag", 'http://h/p/<>"{}|\\^`/', 'http://h/p/\u2603',
]


def url_cases() -> dict[str, Any]:
    return {
        'unquote': [{'raw': raw, 'decoded': unquote(raw)} for raw in URL_PATHS],
        'version_id': [{'query': q, 'value': dict(parse_qsl(q, keep_blank_values=True)).get('version_id')} for q in QUERIES],
        'location': [{'url': u, 'quoted': quote(u, safe=":/%#?=@[]!$&'()*+,;")} for u in LOCATIONS],
    }


# --- Timestamps: pydantic's JSON for aware UTC datetimes, from integer microseconds ------------------------------
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TIMESTAMP_MICROS = [
    0, 1, 999_999, 1_000_000, 1_699_335_116_000_000, 1_699_335_116_123_456, 1_699_335_116_120_000,
    1_699_335_116_000_001, 1_704_067_199_999_999, 951_782_400_000_000, 4_102_444_800_000_000, 9_007_199_254_740_991,  # the largest a JS number holds exactly
]
TIMESTAMP_INPUTS = [
    '2023-11-07T05:31:56Z', '2023-11-07T05:31:56.123456Z', '2023-11-07T05:31:56.12Z', '2023-11-07T05:31:56.1Z',
    '2023-11-07T07:31:56+02:00', '2023-11-07T00:01:56.5-05:30', '2024-02-29T23:59:59.999999Z', '2023-11-07t05:31:56z',
]


def timestamp_cases() -> dict[str, Any]:
    adapter = TypeAdapter(datetime)
    formatted = [{'micros': m, 'text': json.loads(adapter.dump_json(EPOCH + timedelta(microseconds=m)))} for m in TIMESTAMP_MICROS]
    parsed = []
    for text in TIMESTAMP_INPUTS:
        value = adapter.validate_python(text)
        delta = value - EPOCH
        parsed.append({'text': text, 'micros': (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds,
                       'utc': json.loads(adapter.dump_json(value.astimezone(timezone.utc)))})
    return {'format': formatted, 'parse': parsed}


# --- 200 bodies for test/fixtures/runs.json, as the backend would send them -----------------------------------------
def response_cases() -> list[dict[str, Any]]:
    runs_json = json.loads((ROOT / 'test' / 'fixtures' / 'runs.json').read_text('utf8'))
    runs = TypeAdapter(list[RunRead]).validate_python(runs_json)
    # The database hands back UTC datetimes; pydantic then writes them with `Z`.
    for run in runs:
        for holder, fields in [(run, ['created_at', 'finished_at']), (run.pipeline_version, ['created_at'])]:
            for field in fields:
                if getattr(holder, field) is not None:
                    setattr(holder, field, getattr(holder, field).astimezone(timezone.utc))
        for item in [*run.pipeline_version.steps, *run.run_steps]:
            for field in ['created_at', 'started_at', 'finished_at']:
                if getattr(item, field, None) is not None:
                    setattr(item, field, getattr(item, field).astimezone(timezone.utc))
    adapter = TypeAdapter(list[RunRead])
    cases = []
    filters = sorted({(str(r.pipeline_version.pipeline_id), None) for r in runs} |
                     {(str(r.pipeline_version.pipeline_id), str(r.pipeline_config_version_id)) for r in runs}, key=str)
    for pipeline_id, version_id in filters:
        selected = [r for r in runs if str(r.pipeline_version.pipeline_id) == pipeline_id and
                    (version_id is None or str(r.pipeline_config_version_id) == version_id)]
        selected.sort(key=lambda r: (r.created_at, str(r.id)), reverse=True)
        body = starlette_json(adapter.dump_python(selected, mode='json'))
        assert body == adapter.dump_json(selected).decode('utf8'), 'dump_json and JSONResponse disagree'
        cases.append({'pipeline_id': pipeline_id, 'version_id': version_id, 'body': body})
    return cases


# --- The OpenAPI document (fastapi/openapi/utils.py get_openapi, then the OpenAPI model's field order) -----------
# jsonable_encoder(OpenAPI(**output)) re-emits the document, the components and every schema in it in their pydantic
# model's field declaration order (fastapi/openapi/models.py). The path item keeps get_openapi's own order: an
# operation's summary, operationId, security, parameters, responses; a parameter's name, in, required, schema; the
# array response schema's type, items, title (test/fixtures/fastapi-oracle holds FastAPI 0.141.1's real bytes).
SCHEMA_KEYS = [
    '$schema', '$vocabulary', '$id', '$anchor', '$dynamicAnchor', '$ref', '$dynamicRef', '$defs', '$comment', 'allOf',
    'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains', 'properties',
    'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'type',
    'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength',
    'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties',
    'minProperties', 'required', 'dependentRequired', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema',
    'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'discriminator', 'xml',
    'externalDocs', 'example',
]
SUBSCHEMA = {'not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames',
             'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'}
SUBSCHEMA_LISTS = {'allOf', 'anyOf', 'oneOf', 'prefixItems'}
SUBSCHEMA_MAPS = {'$defs', 'dependentSchemas', 'properties', 'patternProperties'}
MODEL_KEYS = {
    'OpenAPI': ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'],
    'Info': ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'],
    'PathItem': ['$ref', 'summary', 'description', 'get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'servers', 'parameters'],
    'Components': ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links',
                   'callbacks', 'pathItems'],
    'HTTPBearer': ['type', 'description', 'scheme', 'bearerFormat'],
}


def ordered(obj: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {**{k: obj[k] for k in keys if k in obj}, **{k: v for k, v in obj.items() if k not in keys}}


def schema(obj: Any) -> Any:
    if not isinstance(obj, dict):
        return obj
    out = ordered(obj, SCHEMA_KEYS)
    for key, value in out.items():
        if key in SUBSCHEMA:
            out[key] = schema(value)
        elif key in SUBSCHEMA_LISTS:
            out[key] = [schema(v) for v in value]
        elif key in SUBSCHEMA_MAPS:
            out[key] = {k: schema(v) for k, v in value.items()}
    return out


def param_schema(annotation: Any, alias: str) -> dict[str, Any]:
    """fastapi._compat get_schema_from_model_field: pydantic's validation schema plus a title from the alias."""
    generated = GenerateJsonSchema(ref_template=REF_TEMPLATE).generate(TypeAdapter(annotation).core_schema, mode='validation')
    generated['title'] = alias.title().replace('_', ' ')
    return generated


def openapi_document(version: str) -> dict[str, Any]:
    unique_id = 'get_runs_pipelines__pipeline_id__runs__get'
    response_alias = 'Response_' + unique_id
    generator = GenerateJsonSchema(ref_template=REF_TEMPLATE)
    mapping, definitions = generator.generate_definitions(
        inputs=[(response_alias, 'serialization', TypeAdapter(list[RunRead]).core_schema)])
    generated = mapping[(response_alias, 'serialization')]
    response_schema = {'type': generated['type'], 'items': generated['items'], 'title': response_alias.title().replace('_', ' ')}
    # fastapi/openapi/utils.py validation_error_definition (with input/ctx since 0.128.1) and its wrapper.
    definitions['ValidationError'] = {
        'title': 'ValidationError', 'type': 'object',
        'properties': {
            'loc': {'title': 'Location', 'type': 'array', 'items': {'anyOf': [{'type': 'string'}, {'type': 'integer'}]}},
            'msg': {'title': 'Message', 'type': 'string'},
            'type': {'title': 'Error Type', 'type': 'string'},
            'input': {'title': 'Input'},
            'ctx': {'title': 'Context', 'type': 'object'},
        },
        'required': ['loc', 'msg', 'type'],
    }
    definitions['HTTPValidationError'] = {
        'title': 'HTTPValidationError', 'type': 'object',
        'properties': {'detail': {'title': 'Detail', 'type': 'array', 'items': {'$ref': REF_TEMPLATE.format(model='ValidationError')}}},
    }
    get = {
        'summary': 'Get Runs',
        'operationId': unique_id,
        'security': [{'HTTPBearer': []}],
        'parameters': [
            {'name': 'pipeline_id', 'in': 'path', 'required': True, 'schema': schema(param_schema(UUID, 'pipeline_id'))},
            {'name': 'version_id', 'in': 'query', 'required': False, 'schema': schema(param_schema(Optional[UUID], 'version_id'))},
            {'name': 'Api-key', 'in': 'header', 'required': False, 'schema': schema(param_schema(Optional[str], 'Api-key'))},
        ],
        'responses': {
            '200': {'description': 'Successful Response', 'content': {'application/json': {'schema': response_schema}}},
            '422': {'description': 'Validation Error',
                    'content': {'application/json': {'schema': {'$ref': REF_TEMPLATE.format(model='HTTPValidationError')}}}},
        },
    }
    components = {
        'schemas': {k: schema(definitions[k]) for k in sorted(definitions)},
        'securitySchemes': {'HTTPBearer': ordered({'type': 'http', 'scheme': 'bearer'}, MODEL_KEYS['HTTPBearer'])},
    }
    document = {
        'openapi': '3.1.0',
        'info': ordered({'title': 'Pipelines API', 'version': version}, MODEL_KEYS['Info']),
        'paths': {'/pipelines/{pipeline_id}/runs/': ordered({'get': get}, MODEL_KEYS['PathItem'])},
        'components': ordered(components, MODEL_KEYS['Components']),
    }
    return ordered(document, MODEL_KEYS['OpenAPI'])


def write(name: str, data: Any) -> None:
    path = OUT / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + '\n', 'utf8')
    print(f'wrote {path.relative_to(ROOT)}')


def live_422() -> int:
    for line in sys.stdin:
        pipeline_id, version_id = json.loads(line)
        print(json.dumps(fastapi_422(pipeline_id, version_id), ensure_ascii=False))
    return 0


def main() -> int:
    if not pydantic.VERSION.startswith('2.13.'):
        print(f'expected pydantic 2.13.x, found {pydantic.VERSION}', file=sys.stderr)
        return 1
    if sys.argv[1:] == ['--live-422']:
        return live_422()
    OUT.mkdir(parents=True, exist_ok=True)
    version = json.loads((ROOT / 'package.json').read_text('utf8'))['version']
    write('uuid.json', {'pydantic': pydantic.VERSION, 'cases': [uuid_case(raw) for raw in UUID_INPUTS]})
    write('validation.json', [{'pipeline_id': p, 'version_id': v, 'body': fastapi_422(p, v)} for p, v in VALIDATION_CASES])
    write('timestamps.json', timestamp_cases())
    write('url.json', url_cases())
    write('responses.json', response_cases())
    write('openapi.json', openapi_document(version))
    return 0


if __name__ == '__main__':
    sys.exit(main())
