"""Request ids (one per request, in the journal, the change history and the logs) and the journal of
refused attempts and changes on person-level URLs (reads are journaled by the views themselves)."""

import uuid

from audit import services
from audit.enums import JournalAction, RecordType
from audit.request_id import reset_request_id, set_request_id

# Person-level URLs: a refusal (403/404) by a signed-in user is journaled; so is a successful POST
# (a redirect) on those that change something. The record is the URL's ``public_id``.
JOURNALED_URLS = {
    "casework:person_detail": RecordType.PERSON,
    "casework:person_update": RecordType.PERSON,
    "casework:person_merge": RecordType.PERSON,
    "casework:followup_detail": RecordType.FOLLOWUP,
    "casework:followup_update": RecordType.FOLLOWUP,
    "casework:followup_close": RecordType.FOLLOWUP,
    "casework:followup_reopen": RecordType.FOLLOWUP,
    "casework:followup_add_member": RecordType.FOLLOWUP,
    "casework:intervention_create": RecordType.FOLLOWUP,
    "casework:assessment_create": RecordType.FOLLOWUP,
    "casework:orientation_create": RecordType.FOLLOWUP,
    "casework:intervention_update": RecordType.INTERVENTION,
    "casework:orientation_update_status": RecordType.ORIENTATION,
    "casework:followup_open_from_referral": RecordType.REFERRAL,
    "casework:agenda_ics": RecordType.AGENDA,
    "referrals:detail": RecordType.REFERRAL,
    "referrals:grid_create": RecordType.REFERRAL,
    "referrals:receive": RecordType.REFERRAL,
    "referrals:take_up": RecordType.REFERRAL,
    "referrals:close": RecordType.REFERRAL,
    "imports:batch_detail": RecordType.IMPORT_BATCH,
    "imports:batch_confirm": RecordType.IMPORT_BATCH,
    "imports:batch_cancel": RecordType.IMPORT_BATCH,
    "dataprotection:person_export": RecordType.PERSON,
}
REFUSED_STATUSES = {403, 404}
CHANGED_STATUSES = {301, 302, 303}


class RequestIdMiddleware:
    """A random id per request: ``request.request_id``, the X-Request-ID header, the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.request_id
        return response


class AccessJournalMiddleware:
    """Journals refused attempts and changes on person-level URLs, after the view's transaction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in JOURNALED_URLS or not request.user.is_authenticated:
            return response
        record_type = JOURNALED_URLS[match.view_name]
        public_id = match.kwargs.get("public_id")
        if response.status_code in REFUSED_STATUSES:
            services.journal_attempt(
                request, record_type=record_type, public_id=public_id, action=JournalAction.REFUSED
            )
        elif request.method == "POST" and response.status_code in CHANGED_STATUSES and public_id is not None:
            services.journal_attempt(
                request, record_type=record_type, public_id=public_id, action=JournalAction.CHANGE
            )
        return response
