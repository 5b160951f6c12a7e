from django.urls import path, re_path, register_converter

from . import views


class FormatConverter:
    """The response format, the path's suffix: xml (required by the spec) or json."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter:
    """A service code, request id or token: no slash, no dot (the dot starts the format)."""

    regex = "[^/.]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")
register_converter(CodeConverter, "code")

urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery, name="open311-discovery"),
    path("services.<fmt:fmt>", views.service_list, name="open311-services"),
    path("services/<code:code>.<fmt:fmt>", views.service_definition, name="open311-service"),
    path("requests.<fmt:fmt>", views.requests, name="open311-requests"),
    path("requests/<code:reference>.<fmt:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<code:token>.<fmt:fmt>", views.token, name="open311-token"),
    re_path(r"^(?P<path>.*\.(?P<fmt>json))$", views.not_found),
    re_path(r"^(?P<path>.*)$", views.not_found, kwargs={"fmt": "xml"}),
]
