"""The Pipelines API endpoint as a FastAPI backend would declare it, written from its documentation page.

The live oracle of test/oracle/fastapi-live.test.ts: it runs on Debian's FastAPI 0.92 (pydantic 1) and on a current
FastAPI (pydantic 2) alike. Serves the runs of the JSON file named by ORACLE_RUNS (the response shape); the one
accepted bearer token is ORACLE_TOKEN (default demo-token). Start: ORACLE_RUNS=runs.json uvicorn app:app
"""
import json
import os
from datetime import datetime
from typing import Any, Dict, List, Optional
from uuid import UUID

from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel


class StepConfig(BaseModel):
    query_type: str
    query: str
    input_datasets: List[str]
    output_datasets: List[str]
    job_type: str


class StepRead(BaseModel):
    name: str
    config: StepConfig
    created_at: datetime
    id: UUID


class PipelineVersionRead(BaseModel):
    id: UUID
    pipeline_id: UUID
    steps: List[StepRead]
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
    argo_manifest: Dict[str, Any]
    argo_metadata: Dict[str, Any]
    pipeline_version: PipelineVersionRead
    created_at: datetime
    finished_at: Optional[datetime]
    run_steps: List[RunStepMetadata]


def load_runs(path: str) -> List[RunRead]:
    with open(path, encoding='utf-8') as file:
        return [RunRead(**run) for run in json.load(file)]


RUNS = load_runs(os.environ['ORACLE_RUNS'])
TOKEN = os.environ.get('ORACLE_TOKEN', 'demo-token')

app = FastAPI(title='Pipelines API')


def check_token(credentials: HTTPAuthorizationCredentials = Depends(HTTPBearer())) -> None:
    if credentials.credentials != TOKEN:
        raise HTTPException(status_code=401, detail='Could not validate credentials', headers={'WWW-Authenticate': 'Bearer'})


@app.get('/pipelines/{pipeline_id}/runs/', response_model=List[RunRead], summary='Get Runs')
def get_runs(
    pipeline_id: UUID,
    version_id: Optional[UUID] = None,
    api_key: Optional[str] = Header(None, alias='Api-key'),
    _: None = Depends(check_token),
) -> List[RunRead]:
    runs = [run for run in RUNS if run.pipeline_version.pipeline_id == pipeline_id]
    if not runs:
        raise HTTPException(status_code=404, detail='Pipeline not found')
    if version_id is not None:
        runs = [run for run in runs if run.pipeline_config_version_id == version_id]
    return sorted(runs, key=lambda run: (run.created_at, str(run.id)), reverse=True)
