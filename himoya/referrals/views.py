def overdue_home_section(request):
    return None
