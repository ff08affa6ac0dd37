"""The people page of a program: search, filters and paging over thousands of
members, invitation status and resend, and bulk actions on a selection."""
