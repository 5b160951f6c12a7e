"""Thin views: parse input, call one service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.languages import current_language
from geo_meldpunt.reports import duplicates, selectors, services
from geo_meldpunt.reports.models import Report
from geo_meldpunt.reports.selectors.bodies import photo_url_prefix
from geo_meldpunt.staff.roles import is_employee
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.selectors import compliment_departments

from . import fastpath, idempotency
from . import serializers as s
from .fields import parse_bbox
from .pagination import KeysetGeoJsonPagination
from .parsers import BoundedJSONParser
from .renderers import PASS_THROUGH_RENDERERS, json_text_response
from .report_features import public_map_features
from .throttling import PUBLIC_WRITE_THROTTLES


class CategoryListApi(generics.ListAPIView):
    serializer_class = s.CategoryOutput
    pagination_class = None

    def get_queryset(self):
        return selectors.categories_active()


class ComplimentDepartmentListApi(generics.ListAPIView):
    """The city's services a compliment may name (`compliment_department` on POST /api/v1/reports/), by name."""

    serializer_class = s.ComplimentDepartmentOutput
    pagination_class = None

    def get_queryset(self):
        return compliment_departments()


class ReportListCreateApi(generics.GenericAPIView):
    """GET: public reports as GeoJSON. POST: file a new report (JSON or multipart with photos)."""

    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    throttle_classes = PUBLIC_WRITE_THROTTLES  # POST only: reads are never limited
    pagination_class = KeysetGeoJsonPagination
    serializer_class = s.PublicMapReportFeature

    @extend_schema(
        # `page` is a field only to refuse it with a pointer to the cursor: not a parameter to offer.
        parameters=[s.PublicListPageQuery, OpenApiParameter("page", exclude=True)],
        responses=s.PublicMapReportFeature(many=True),
    )
    # Compressed when the client accepts gzip: a dense page of 500 is about 190 KB of JSON. Only the public GET (the
    # POST's answer holds the reporter's tracking link, which must not sit beside echoed input in a compressed body).
    @method_decorator(gzip_page)
    def get(self, request):
        query = s.PublicListPageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        reports = selectors.public_reports(
            bbox=parse_bbox(params["bbox"]) if params.get("bbox") else None,
            category_slug=params.get("category"),
            statuses=params.get("status"),
            after=params.get("cursor"),
        )
        # Plain rows and dicts rather than PublicMapReportFeature, which only documents the shape: the same JSON
        # (tests/api/test_report_features.py) at a fraction of the cost, see report_features.py.
        language = current_language()
        page = self.paginate_queryset(selectors.public_map_rows(reports, language=language))
        features = public_map_features(page or [], request=request, language=language)
        return self.get_paginated_response({"features": features})

    @extend_schema(
        request=s.ReportCreateInput,
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                str,
                location=OpenApiParameter.HEADER,
                description=(
                    "Optional client key (8-100 of A-Z a-z 0-9 - _ : .), kept "
                    f"{settings.REPORTS_IDEMPOTENCY_KEY_DAYS} days: a repeat with the same body answers 200 with "
                    "the report already made; the same key with another body is a 422."
                ),
            )
        ],
        responses={201: s.ReportCreatedOutput, 200: s.ReportCreatedOutput},
    )
    def post(self, request):
        key = idempotency.idempotency_key_from(request)
        fingerprint = idempotency.request_fingerprint(request.data) if key else ""
        data = s.ReportCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        if key is None:
            report, created = services.report_create(**data.validated_data, created_by=user), True
        else:
            report, created = services.report_create_once(
                idempotency_key=key, fingerprint=fingerprint, **data.validated_data, created_by=user
            )
        body = s.report_created_data(report)  # ReportCreatedOutput's data (the schema above), written directly
        return Response(
            body,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": body["tracking_url"]},
        )


class NearbyReportsApi(fastpath.FastGet, APIView):
    """Duplicate candidates: open reports of the same category close to a point, nearest first.

    One statement finds the category by its slug and writes the answer (duplicates.duplicate_candidates_json);
    only a request it cannot answer (no such category: the field error) goes through PointQuery's lookup.
    """

    renderer_classes = PASS_THROUGH_RENDERERS

    @staticmethod
    def fast_get(request) -> HttpResponse | None:
        query = fastpath.point_query(request.GET)
        if query is None:
            return None
        lon, lat, slug = query
        body = duplicates.duplicate_candidates_json(category_slug=slug, lon=lon, lat=lat, language=current_language())
        return None if body is None else fastpath.json_answer(body)

    @extend_schema(parameters=[s.PointQuery], responses=s.DuplicateCandidateFeature(many=True))
    def get(self, request):
        query = s.PointQueryWithoutLookup(data=request.query_params)
        if query.is_valid():
            point = query.validated_data["point"]
            body = duplicates.duplicate_candidates_json(
                category_slug=query.validated_data["category"], lon=point.x, lat=point.y, language=current_language()
            )
            if body is not None:
                return json_text_response(body)
        # Bad input, or an answer the statement does not give: the field errors and the answer as before.
        full = s.PointQuery(data=request.query_params)
        full.is_valid(raise_exception=True)
        category = full.validated_data["category"]
        # A category kept off the public map stays off here too: its reports may be about people.
        candidates = (
            duplicates.duplicate_candidates(point=full.validated_data["point"], category=category)
            if category.is_public
            else Report.objects.none()
        )
        return Response(s.DuplicateCandidateFeature(candidates, many=True).data)


class FollowReportApi(APIView):
    throttle_classes = PUBLIC_WRITE_THROTTLES

    @extend_schema(request=s.FollowInput, responses={201: None, 200: None})
    def post(self, request, reference: str):
        report = selectors.public_report_by_reference(reference=reference)
        if report is None:
            raise Http404(_("No public report with this reference."))
        data = s.FollowInput(data=request.data)
        data.is_valid(raise_exception=True)
        follower, created = services.report_follow(
            report=report,
            email=data.validated_data["email"],
            language=data.validated_data.get("language") or current_language(),
            # An employee (the phone desk, for a caller on the line) vouches for the address; anyone else confirms
            # it through the link mailed to it before getting any other mail.
            confirmed=is_employee(request.user),
        )
        message = (
            _("You will receive an e-mail when this report is answered.")
            if follower.confirmed_at
            else _(
                "Check your mailbox: confirm your e-mail address with the link we sent you. "
                "Then you will receive an e-mail when this report is answered."
            )
        )
        return Response(
            {
                "reference": report.reference,
                "following": True,
                "confirmed": bool(follower.confirmed_at),
                "message": message,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@method_decorator(cache_control(private=True, no_store=True), name="dispatch")  # one reporter's report: never cached
class TrackReportApi(fastpath.FastGet, APIView):
    """One statement writes the answer (selectors.track_json); Python only for what SQL cannot write."""

    renderer_classes = PASS_THROUGH_RENDERERS

    @staticmethod
    def fast_get(request, token: str) -> HttpResponse | None:
        _found, body = selectors.track_json(
            token=token, language=current_language(), photo_prefix=photo_url_prefix(request)
        )
        if body is None:
            return None
        response = fastpath.json_answer(body)
        patch_cache_control(response, private=True, no_store=True)
        return response

    @extend_schema(responses=s.TrackOutput)
    def get(self, request, token: str):
        found, body = selectors.track_json(
            token=token, language=current_language(), photo_prefix=photo_url_prefix(request)
        )
        if not found:
            raise Http404(_("This tracking link is not known. Check that you copied it completely."))
        if body is not None:
            return json_text_response(body)
        report = selectors.report_by_token(token=token)
        if report is None:  # gone between the two reads
            raise Http404(_("This tracking link is not known. Check that you copied it completely."))
        history = list(selectors.report_public_history(report))
        return Response(s.TrackOutput(report, context={"request": request, "history": history}).data)


class RoutingPreviewApi(fastpath.FastGet, APIView):
    """Which department would handle a report of this category at this point, and why (one statement)."""

    @staticmethod
    def fast_get(request) -> HttpResponse | None:
        query = fastpath.point_query(request.GET)
        if query is None:
            return None
        lon, lat, slug = query
        try:
            decision = routing.route_preview(category_slug=slug, point=(lon, lat), language=current_language())
        except ApplicationError:  # outside the territory: DRF's path answers the field error
            return None
        if decision is None:
            return None
        return fastpath.json_answer(fastpath.json_text(s.routing_preview_data(decision)))

    @extend_schema(parameters=[s.PointQuery], responses=s.RoutingPreviewOutput)
    def get(self, request):
        query = s.PointQueryWithoutLookup(data=request.query_params)
        decision = None
        if query.is_valid():
            decision = routing.route_preview(
                category_slug=query.validated_data["category"],
                point=query.validated_data["point"],
                language=current_language(),
            )
        if decision is None:  # bad input or no such category: the field errors PointQuery gives
            full = s.PointQuery(data=request.query_params)
            full.is_valid(raise_exception=True)
            decision = routing.route(
                category=full.validated_data["category"],
                point=full.validated_data["point"],
                language=current_language(),
            )
        return Response(s.routing_preview_data(decision))
