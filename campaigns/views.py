from django.shortcuts import render

from . import selectors


def home(request):
    campaigns = selectors.campaigns_visible_to(request.user)[:50]
    return render(request, "campaigns/home.html", {"campaigns": campaigns})
