"""The text of each scaffolded file. Kept apart from the logic so contributors' starting point is
easy to read and to change."""

# A scaffolded summary starts with this mark; the content check refuses it in a published post,
# so a draft passes `make check` but a forgotten placeholder can never reach the public site.
PLACEHOLDER = "REPLACE ME:"

POST = """\
Title: {title}
Date: {date}
Category: {category}
Tags: {tags}
Authors: {authors}
Summary: {placeholder} one or two sentences saying what "{title_plain}" is about.
Slug: {slug}
Status: draft

{placeholder} write your post here in Markdown, then delete every line of this guidance.
Keep the first paragraph short: it is what readers see first.

## A section heading (use ##: the page title is already the top heading)

- Link to another post: `[its title]({{filename}}/posts/2020/the-post.md)`
- An image (put the file in content/images/posts/ and always describe it):
  `![What the picture shows]({{static}}/images/posts/your-image.svg)`

When it is ready: replace the Summary line and this guidance, delete the `Status: draft` line,
run `make check` and `make devserver` to look at it, then open a pull request.
"""

EVENT = """\
# Event file: see CONTRIBUTING.md ("Add an event") for every field.
# Lines starting with # are comments: remove the # to use an optional field.
title: {title}
start: {start}
{timezone_line}
# end: {end_example}               # date or date and time; not before start (all-day end is inclusive)
# location: Online                  # text, or a mapping:
# location:
#   name: Mutual Aid Hall
#   address: 1 Example Street, Manchester M1 1AA
#   lat: 53.4808
#   lon: -2.2426
# online_url: https://meet.example.org/your-room   # makes it an online (or mixed) event
# url: https://example.org/tickets                 # more information or tickets
# summary: One line saying what the event is
# description: |
#   A longer description in **Markdown**.
#   Several lines are fine.
# organizer: The Open Co-op
# group: open-events               # slug of a working group (content/working-groups/<slug>.md)
# tags: [mutual credit, governance]
# status: confirmed                # confirmed | tentative | cancelled
# recurrence: FREQ=WEEKLY;BYDAY=TU;COUNT=10   # RFC 5545 RRULE for a repeating event
# exdates: [{start_date}]          # occurrences that are skipped
# slug: {start_date}-{slug}          # default: the file name, as here (the event's address)
# uid: {slug}@example.org          # only to keep the id of an event imported from elsewhere
# updated: {today}                 # when the details last changed
# sequence: 0                      # bump by one whenever the time or place changes
"""

GROUP = """\
Title: {title}
Slug: {slug}
Purpose: {placeholder} one or two sentences saying what {title_plain} is for.
Status: forming
{links}Order: {order}

<!--
{placeholder} optional header lines. Move any you need up into the header (above the first
blank line), then delete this comment.
Docs: https://docs.example.org/{slug}
Join: https://example.org/{slug}/join
Chat: https://chat.example.org/#{slug}
Contact: {slug}@example.org
Image: {{static}}/images/groups/{slug}.svg
Image_alt: What the picture shows
Tags: housing, land trusts
Murmurations: no
Status is one of: active, forming, paused, archived. Tags are keywords for the group's
Murmurations profile; "Murmurations: no" leaves the group out of the Murmurations index.
-->

{placeholder} the group's background in Markdown: why it exists, what it is working on now,
and how a newcomer can help.
"""
