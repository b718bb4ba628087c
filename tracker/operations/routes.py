"""GET /health for load balancers and monitors; GET /metrics for Prometheus."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from tracker.extensions import limiter
from tracker.operations import health as checks
from tracker.plumbing import metrics
from tracker.web import unit_of_work

bp = Blueprint("operations", __name__)


@bp.get("/health")
@limiter.exempt
@unit_of_work.exempt
def health() -> ResponseReturnValue:
    """200 with each dependency "ok", or 503 when the database or evidence store is down."""
    healthy, results = checks.run()
    body = {"status": "ok" if healthy else "fail", "checks": results}
    return jsonify(body), 200 if healthy else 503, {"Cache-Control": "no-store"}


@bp.get("/metrics")
@limiter.exempt
@unit_of_work.exempt
def metrics_page() -> ResponseReturnValue:
    """The Prometheus metrics, to clients in METRICS_ALLOWED_NETWORKS only (others: 404)."""
    if not metrics.address_allowed(request.remote_addr, current_app.config["METRICS_NETWORKS"]):
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
