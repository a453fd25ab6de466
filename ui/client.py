"""A thin, synchronous HTTP client of the 政务数字人 API (/api/v1).

The UI talks to the service only through this client: it never opens the store or the dialogue manager.
Every call returns the decoded JSON (dicts and lists) and raises `ApiError` with a Chinese message on failure.
"""

from __future__ import annotations

from typing import Any

import httpx

API_PREFIX = "/api/v1"

_STATUS_MESSAGES = {
    400: "请求有误",
    401: "令牌无效或已失效，请重新登录",
    403: "当前身份无权执行此操作",
    404: "未找到",
    409: "状态冲突，请刷新后重试",
    413: "内容过长",
    422: "内容未通过校验",
    429: "请求过于频繁，请稍后再试",
}


class ApiError(Exception):
    """An API call failed; `message` is fit to show to the user."""

    def __init__(
        self, status: int, message: str, detail: Any = None, errors: list[dict[str, Any]] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
        self.errors = errors or []  # field-level errors: [{"field", "message"}]

    def error_lines(self) -> list[str]:
        """Field-level validation messages ("field：message"), or the message itself."""
        if self.errors:
            return [f"{e.get('field', '')}：{e.get('message', '')}".lstrip("：") for e in self.errors]
        if isinstance(self.detail, list):
            return validation_error_lines(self.detail)
        return [self.message]


def _detail_text(detail: Any) -> str:
    """Turn a FastAPI error detail (a string, or a list of validation errors) into readable text."""
    if detail is None:
        return ""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, dict):
        for key in ("message", "msg", "detail", "error"):
            if key in detail:
                return _detail_text(detail[key])
        return "；".join(f"{k}: {v}" for k, v in detail.items())
    if isinstance(detail, list):
        return "；".join(validation_error_lines(detail))
    return str(detail)


def validation_error_lines(errors: list[Any]) -> list[str]:
    """Format pydantic/FastAPI validation errors as "field.path：message" lines."""
    lines: list[str] = []
    for err in errors:
        if isinstance(err, dict):
            loc = [str(p) for p in err.get("loc", []) if p not in ("body",)]
            msg = str(err.get("msg", err))
            lines.append(f"{'.'.join(loc)}：{msg}" if loc else msg)
        else:
            lines.append(str(err))
    return lines


class ApiClient:
    """One client per UI; the bearer token is passed per call, so one client serves every browser session."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url + API_PREFIX,
            timeout=timeout,
            transport=transport,
            trust_env=False,  # loopback calls must never go through a proxy from the environment
        )

    def close(self) -> None:
        self._http.close()

    # -- plumbing -------------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            resp = self._http.request(method, path, json=json, params=clean or None, headers=headers)
        except httpx.TimeoutException as exc:
            raise ApiError(0, "服务响应超时，请稍后再试") from exc
        except httpx.HTTPError as exc:
            raise ApiError(0, f"无法连接服务：{exc}") from exc
        if resp.status_code >= 400:
            errors: list[dict[str, Any]] = []
            try:
                body = resp.json()
                detail = body.get("detail")
                errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
            except (ValueError, AttributeError):
                detail = resp.text[:300]
            text = _detail_text(detail)
            message = text or _STATUS_MESSAGES.get(resp.status_code, f"服务出错（{resp.status_code}）")
            raise ApiError(resp.status_code, message, detail, errors)
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            return resp.text

    # -- auth -----------------------------------------------------------------------------------------------

    def citizen_token(self, client_ip: str | None = None) -> str:
        """An anonymous citizen token (POST /auth/citizen). `client_ip`: the browser's address, forwarded so the
        API's per-IP limit counts the person, not this loopback client (the API trusts it from loopback only)."""
        headers = {"X-Forwarded-For": client_ip} if client_ip else None
        data = self._request("POST", "/auth/citizen", None, headers=headers)
        return str(data["token"] if isinstance(data, dict) else data)

    def whoami(self, token: str) -> dict[str, Any]:
        """The role and name behind a token (GET /auth/me)."""
        return dict(self._request("GET", "/auth/me", token))

    def create_token(self, token: str, role: str, name: str = "") -> dict[str, Any]:
        return dict(self._request("POST", "/tokens", token, json={"role": role, "name": name}))

    # -- conversation ---------------------------------------------------------------------------------------

    def chat(self, token: str, message: str, session_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message}
        if session_id:
            body["session_id"] = session_id
        return dict(self._request("POST", "/chat", token, json=body))

    def feedback(self, token: str, session_id: str, rating: str, comment: str = "") -> dict[str, Any]:
        data = self._request(
            "POST", "/feedback", token, json={"session_id": session_id, "rating": rating, "comment": comment}
        )
        return dict(data or {})

    # -- applications ---------------------------------------------------------------------------------------

    def applications(self, token: str, status: str | None = None) -> list[dict[str, Any]]:
        data = self._request("GET", "/applications", token, params={"status": status})
        if isinstance(data, dict):  # a page object
            data = data.get("items", [])
        return list(data or [])

    def application(self, token: str, app_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/applications/{app_id}", token))

    def transition(self, token: str, app_id: str, to: str, reason: str = "") -> dict[str, Any]:
        body = {"to": to, "reason": reason}
        return dict(self._request("POST", f"/applications/{app_id}/transition", token, json=body) or {})

    def events(self, token: str, app_id: str) -> list[dict[str, Any]]:
        data = self._request("GET", f"/applications/{app_id}/events", token)
        if isinstance(data, dict):
            data = data.get("items", data.get("events", []))
        return list(data or [])

    # -- content --------------------------------------------------------------------------------------------

    def guides(self, token: str, q: str = "", limit: int = 50) -> list[dict[str, Any]]:
        data = self._request("GET", "/guides", token, params={"q": q, "limit": limit})
        if isinstance(data, dict):
            data = data.get("items", [])
        return list(data or [])

    def guide(self, token: str, guide_id: str, version: int | None = None) -> dict[str, Any]:
        return dict(self._request("GET", f"/guides/{guide_id}", token, params={"version": version}))

    def save_guide(self, token: str, guide_id: str, guide: dict[str, Any]) -> dict[str, Any]:
        return dict(self._request("PUT", f"/guides/{guide_id}", token, json=guide) or {})

    def publish_guide(self, token: str, guide_id: str, version: int | None = None) -> dict[str, Any]:
        body = {"version": version} if version else None
        return dict(self._request("POST", f"/guides/{guide_id}/publish", token, json=body) or {})

    def guide_versions(self, token: str, guide_id: str) -> list[dict[str, Any]]:
        data = self._request("GET", f"/guides/{guide_id}/versions", token)
        if isinstance(data, dict):
            data = data.get("items", data.get("versions", []))
        return list(data or [])

    def guide_diff(self, token: str, guide_id: str, a: int, b: int) -> Any:
        return self._request("GET", f"/guides/{guide_id}/diff", token, params={"a": a, "b": b})

    # -- flows (预审 / 情形引导) -------------------------------------------------------------------------------

    def flow(self, token: str, service_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/flows/{service_id}", token))

    def save_flow_draft(self, token: str, service_id: str, text: str, note: str = "") -> dict[str, Any]:
        return dict(
            self._request("POST", f"/flows/{service_id}/draft", token, json={"text": text, "note": note})
        )

    def publish_flow(self, token: str, service_id: str, version: int | None = None) -> dict[str, Any]:
        return dict(self._request("POST", f"/flows/{service_id}/publish", token, json={"version": version}))

    def flow_versions(self, token: str, service_id: str) -> list[dict[str, Any]]:
        return list(self._request("GET", f"/flows/{service_id}/versions", token) or [])

    def flow_diff(self, token: str, service_id: str, a: int, b: int) -> dict[str, Any]:
        return dict(self._request("GET", f"/flows/{service_id}/diff", token, params={"a": a, "b": b}))

    def policies(self, token: str, q: str = "") -> list[dict[str, Any]]:
        data = self._request("GET", "/policies", token, params={"q": q})
        if isinstance(data, dict):
            data = data.get("items", [])
        return list(data or [])

    def policy(self, token: str, policy_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/policies/{policy_id}", token))

    def search(self, token: str, q: str, top_k: int = 5) -> dict[str, Any]:
        return dict(self._request("GET", "/search", token, params={"q": q, "top_k": top_k}))

    def unanswered(self, token: str) -> list[dict[str, Any]]:
        data = self._request("GET", "/unanswered", token)
        if isinstance(data, dict):
            data = data.get("items", [])
        return list(data or [])
