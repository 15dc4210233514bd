from django.shortcuts import get_object_or_404, render

from anef.procedures.constants import Category
from anef.procedures.models import Procedure
from anef.procedures.texts import describe_condition, localised


def home(request):
    procedures = Procedure.objects.filter(active=True)
    return render(request, "public/home.html", {"featured": procedures[:6]})


def catalogue(request):
    procedures = list(Procedure.objects.filter(active=True))
    groups = []
    for value, label in Category.choices:
        items = [p for p in procedures if p.category == value]
        if items:
            groups.append((label, items))
    return render(request, "public/catalogue.html", {"groups": groups})


def procedure_detail(request, code):
    procedure = get_object_or_404(Procedure, code=code, active=True)
    documents = [
        {
            "label": localised(document["label"]),
            "help": localised(document.get("help")),
            "required": document["required"],
            "condition": describe_condition(document["when"], procedure.fields) if document.get("when") else "",
        }
        for document in procedure.documents
    ]
    questions = [localised(question["label"]) for question in procedure.questions]
    return render(
        request,
        "public/procedure_detail.html",
        {"procedure": procedure, "documents": documents, "questions": questions},
    )
