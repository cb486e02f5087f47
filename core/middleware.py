"""Raw input that no route can use is refused before any view, form or query sees it."""

from django.core.exceptions import BadRequest
from django.http import Http404

NUL = "\x00"


def _carries_nul(pairs) -> bool:
    return any(NUL in key or NUL in value for key, value in pairs)


def _pairs(query_dict):
    return ((key, value) for key, values in query_dict.lists() for value in values)


class RefuseNulBytesMiddleware:
    """A NUL character: 404 in the path (nothing is named so), 400 in parameters, form fields or cookies.

    PostgreSQL cannot store or compare text holding NUL, and psycopg raises on it: left alone, a ``%00`` in
    any slug, filter, admin parameter or autocomplete term became a 500 with a traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path_info:
            raise Http404("Ressource introuvable.")
        if _carries_nul(_pairs(request.GET)):
            raise BadRequest("Paramètre invalide.")
        if _carries_nul(request.COOKIES.items()):
            raise BadRequest("Cookie invalide.")
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            if _carries_nul(_pairs(request.POST)):
                raise BadRequest("Champ invalide.")
        return self.get_response(request)


class HeadWithoutBodyMiddleware:
    """Answer HEAD with the headers of GET and no body.

    Django leaves this to the server and gunicorn sends the body anyway (seen with gunicorn 25: a HEAD of
    /services/ received the whole 35 kB page), which monitors and link checkers then download for nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                if hasattr(response.streaming_content, "close"):
                    response.streaming_content.close()
                response.streaming_content = []
            else:
                length = response.get("Content-Length", str(len(response.content)))
                response.content = b""
                response["Content-Length"] = length
        return response
