# Ceiba's interface in English.

site-tagline = Open data portal
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
nav-datasets = Data
nav-organizations = Publishers
nav-groups = Categories
nav-about = About
lang-switch-label = Language
lang-switch-to = View in English
footer-about = Ceiba publishes government data so that anyone can look it up, download it and reuse it.
footer-powered = Powered by Ceiba, free software for open-data portals.
footer-licence-note = Unless stated otherwise, data are published under open licences.

search-label = Search datasets
search-placeholder = Poverty, public investment, municipalities…
search-button = Search

home-title = Guatemala's public data, open to everyone
home-lead = Look up, download and reuse the data that institutions publish: the municipal ranking, poverty, public investment, international cooperation and more.
home-categories = Browse by category
home-charts = Data in charts
home-featured = Featured
home-newest = Recently published
home-view-all = See all datasets
home-publishers = Who publishes

datasets-count = { $count ->
    [one] 1 dataset
   *[other] { $count } datasets
}
resources-count = { $count ->
    [one] 1 resource
   *[other] { $count } resources
}
organizations-count = { $count ->
    [one] 1 publisher
   *[other] { $count } publishers
}

datasets-title = Datasets
datasets-lead = All the data published on this portal.
datasets-none = No datasets match.
datasets-none-help = Try other words, remove a filter, or see all the data.
datasets-query = Results for “{ $q }”
filter-organization = Publisher
filter-group = Category
filter-tag = Tag
filter-any = All
filter-apply = Apply
filter-clear = Clear filters
sort-label = Sort by
sort-newest = Newest
sort-modified = Recently updated
sort-title = Title
sort-name = Name
sort-relevance = Relevance
sort-views = Most viewed
facets-title = Filter results
facet-groups = Categories
facet-organization = Publishers
facet-tags = Tags
facet-res-format = Formats
facet-license-id = Licences
facet-territory = Territory
facet-year = Years
filters-active = Filters applied
filter-remove = Remove this filter
search-relaxed = No dataset has every word searched for; these have some of them.
search-past-end = This page is past the end of the results.
search-first-page = Go to the first page
search-help-words = Check the spelling, or try fewer or more general words.
search-help-filters = Remove a filter to widen the search.
match-description = In the description
match-tags = Tags
match-categories = Category
match-organization = Publisher
match-resources = Resources
match-columns = Columns
match-values = Values in the data
suggest-datasets = Datasets
suggest-categories = Categories
suggest-organizations = Publishers
pagination-label = Pagination
page-previous = Previous
page-next = Next
page-of = Page { $page } of { $pages }
dataset-explore = Explore the data
dataset-preview = Preview
dataset-preview-lead = The first rows of “{ $name }”: { $rows } rows and { $columns } columns in all.
dataset-preview-all = See every row, filter them and make charts
updated-on = Updated { $date }

breadcrumb-label = Breadcrumb
dataset-resources = Data and resources
dataset-no-resources = This dataset has no resources yet.
dataset-about = About this dataset
dataset-private = Private
dataset-draft = Draft
resource-download = Download
resource-open-link = Open link
resource-details = Details
resource-external = External link

meta-publisher = Publisher
meta-licence = Licence
meta-licence-open = Open licence
meta-licence-closed = Not an open licence
meta-temporal = Time coverage
meta-spatial = Territorial coverage
meta-frequency = Update frequency
meta-contact = Contact
meta-source = Source
meta-version = Version
meta-created = Published
meta-modified = Last updated
meta-tags = Tags
meta-categories = Categories
meta-extras = Additional information
meta-id = Identifier
meta-country = Guatemala (whole country)
meta-department = department
meta-municipality = municipality
temporal-range = { $start } to { $end }
temporal-from = From { $start }
temporal-until = Until { $end }

resource-of = Resource of the dataset
resource-format = Format
resource-media-type = Content type
resource-size = Size
resource-sha256 = SHA-256 checksum
resource-filename = Original file
resource-url = Address
resource-back = Back to the dataset
resource-metadata = Resource details
resource-original-note = The file is served exactly as the publisher uploaded it.

organizations-title = Publishers
organizations-lead = The institutions that publish data on this portal.
organization-website = Website
organization-email = Email
organization-datasets = Data from this publisher
groups-title = Categories
groups-lead = Data grouped by theme.
group-datasets = Data in this category

about-title = About this portal
about-what-title = What it is
about-what = This portal gathers the data that government institutions publish, so that citizens, journalists and researchers can know, scrutinise and reuse public information.
about-use-title = Using the data
about-use = Every dataset states its licence. Under an open licence you may copy, redistribute and adapt the data, citing the source where the licence asks for it.
about-software-title = Software
about-software = The portal runs on Ceiba, free software compatible with CKAN's API and the DCAT vocabulary.
about-demo-title = Demo data
about-demo = Datasets marked as synthetic were generated to demonstrate the portal: they are not official figures.

notfound-title = We couldn't find that page
notfound-body = The address may be mistyped, or the content may have moved or been withdrawn.
notfound-dataset = There is no dataset called “{ $name }”.
notfound-organization = There is no publisher called “{ $name }”.
notfound-group = There is no category called “{ $name }”.
notfound-resource = This dataset has no resource “{ $name }”.
notfound-search = Search the data
notfound-home = Go to the home page
error-title = Something went wrong
error-body = We could not show this page. Please try again in a few minutes.
copy-link = Copy link
copied = Link copied

resource-processing = A new version of the file is being processed; meanwhile the version in service is shown.
resource-latest-failed = Version { $number } could not be processed; the previous version stays in service.
resource-problems = Problems found
data-structure = Data structure
data-structure-rows = { $rows } rows
data-structure-lead = The type of each column, detected when the file was loaded.
col-name = Column
col-type = Type
col-nulls = Empty
col-distinct = Distinct
col-range = Minimum – maximum
col-top = Most frequent
ingest-details = How the file was read
ingest-format = Format
ingest-encoding = Encoding
ingest-delimiter = Delimiter
ingest-warnings = Warnings
versions-title = Versions of the file
version-n = Version { $number }
version-status-ready = ready
version-status-pending = processing
version-status-failed = failed
version-current = in service
resource-progress = { $rows } rows read so far ({ $percent }% of the file).
row-title = Row { $number }
row-of-table = One of the table's { $total } rows.
row-of-view = One of the { $total } rows of this view (with its filters or search).
row-nav = Neighbouring rows
row-previous = Previous row
row-next = Next row
row-back = Back to the table
row-api = This row in the API (JSON)
row-open = See row { $number } in full
explore-applied = Filters applied
explore-remove = Remove: { $filter }
explore-row = Row
notfound-row = This view of the table has no row “{ $name }”.
explore-more = (see in full)
explore-title = Explore the data
explore-tabs = Sheets of the workbook
explore-search-label = Search the table
explore-filters = Filter by column
explore-from = from
explore-to = to
explore-contains = contains
explore-any = any
explore-yes = yes
explore-no = no
explore-apply = Apply filters
explore-clear = Clear filters
explore-showing = Rows { $from } to { $to } of { $total }
explore-none = No row matches the search or the filters.
explore-sort-by = Sort by { $column }
explore-download-view = Download this view
explore-download-all = Download the whole table
explore-api = This query in the API (JSON)
col-hist = Distribution
api-title = Data API
api-lead = Everything the portal shows can also be requested as data, for scripts, applications and research.
api-native = Native API
api-openapi = OpenAPI description
api-ckan = CKAN-compatible downloads
api-examples = Examples
api-limits = Every query has row, time and memory limits; the response says when one applied (the "capped" field). Errors say which parameter to fix, in Spanish or English (lang parameter).
api-suggest = suggestions while typing: datasets, categories and publishers.
api-ckan-lead = CKAN's Action API: clients, harvesters and scripts made for CKAN work unchanged.
api-boundaries = A GeoJSON or TopoJSON resource is marked as a boundary set for maps with boundary_code_property (the property holding the INE department or municipality code) and optionally boundary_level (department or municipality); an empty value unmarks it. Saved views (resource_view_create with config.params, the chart builder's parameters, and featured) show on the dataset page.
api-ckan-writes = and with an API token:
api-tokens = An administrator creates tokens with “ceiba token create USER”; send them in the Authorization header (raw, as CKAN does, or as Bearer). An editor writes only to their own organization's data.
chart-title = Chart
chart-type = Chart type
chart-x = Group by
chart-measure = Measure
chart-series = Split into series by
chart-top = Categories shown (the rest add up to “Other”)
chart-draw = Draw
chart-unmatched = Rows with no recognised territory
chart-link = Link to this chart
chart-data = Chart data (table)
chart-make = Make a chart
view-explore = Explore and change this chart
view-dataset = Data
view-publisher = Published by
view-back = Go to the dataset
view-embed = Embed on another site
views-title = Featured charts
view-open = View, download or embed
chart-geo = Map boundaries
chart-geo-grid = Department grid (no boundaries)
chart-geo-help = Maps only. Guatemala's departments and municipalities are built in; other boundaries are GeoJSON or TopoJSON files their publisher marks as a boundary set.

## Sign-in and saved views managed from the pages
login-title = Sign in
login-lead = For staff of the institutions that publish data. You do not need an account to browse and download data.
login-name = Username
login-password = Password
login-submit = Sign in
login-help = Forgot your password or need an account? Ask the portal's administrator.
login-error-wrong = The username or the password is not correct.
login-error-missing = Enter your username and your password.
login-error-blocked = Too many failed attempts for this username from here or from browsers it has not used before. Wait 15 minutes, or sign in from a browser you have used before.
login-error-blocked-address = Too many failed sign-ins from your address. Wait 15 minutes and try again.
login-error-busy = The portal is busy. Try again in a moment.
login-error-origin = The form did not come from this portal. Open the sign-in page again.
logout = Sign out
forbidden-title = You are not allowed to do this
forbidden-signin = Sign in to do this.
forbidden-csrf = The form has expired or did not come from this portal. Go back, reload the page and try again.
forbidden-edit = Only staff of the institution that publishes this data may change it.
forbidden-action = There is no such action.
notfound-user = There is no user called “{ $name }”.
notfound-harvest-source = There is no harvest source called “{ $name }”.
notfound-view = There is no view “{ $name }”.
views-manage = Manage views
views-featured = featured
views-feature = Feature
views-unfeature = Stop featuring
views-delete = Delete
view-save-title = Save as a view of the dataset
view-save-name = Title
view-save-description = Description (optional)
view-save-featured = Show it on the dataset page
view-save = Save the view
view-save-signin = Sign in to save this chart in the dataset
invalid-title = That could not be done
invalid-back = Go back
boundary-title = Boundaries for maps
boundary-marked = This file is a boundary set: its { $level } areas are read from property “{ $property }”. Maps of any table can use it.
boundary-unmarked = Mark this file as a boundary set so that the portal's tables can be drawn on maps with its areas.
boundary-property = Property holding the INE code (empty: found automatically)
boundary-mark = Use as boundaries
boundary-unmark = Stop using as boundaries
boundary-level-department = department
boundary-level-municipality = municipality
boundary-error-file = Only a GeoJSON or TopoJSON file uploaded to the portal can be a boundary set.
boundary-error-size = The file is too large to draw as boundaries.

## Publishing: the dataset form
form-new-title = New dataset
form-edit-title = Edit “{ $name }”
form-has-errors = Nothing was saved: please correct what is shown.
form-no-organization = Your account cannot publish in any organization. Ask an administrator of your institution to make you an editor.
form-required = (required)
form-choose = Choose…
form-not-said = Not stated
form-section-what = What it holds
form-section-who = Who publishes it
form-section-find = How to find it
form-section-coverage = What period and territory it covers
form-section-terms = Terms of use
form-section-visibility = Who can see it
form-title-es = Title (Spanish)
form-title-en = Title in English
form-name = Address (URL name)
form-name-hint = Lowercase letters without accents, digits and dashes. Left empty, one is proposed from the title.
form-description-es = Description (Spanish)
form-description-en = Description in English
form-markdown-hint = You can use Markdown: **bold**, *italics*, lists with “-” and links [text](https://…).
form-english = English version (optional)
form-organization = Publishing organization
form-contact-name = Contact person or unit
form-contact-email = Contact e-mail
form-source = Page the data comes from
form-categories = Categories
form-tags = Tags
form-tags-hint = Separated by commas, for example: poverty, census 2018, health.
form-temporal-start = From (date)
form-temporal-end = To (date)
form-spatial = Territorial coverage
form-spatial-hint = Choose the country, departments or municipalities (Ctrl or Cmd to choose several).
form-country = whole country
form-whole-department = whole department
form-frequency = Update frequency
form-licence = Licence
form-licence-hint = It says what people may do with the data. Open licences let anyone reuse it freely, citing the source; CC-BY-4.0 is recommended.
form-licence-open = open
form-version = Version
form-extras = Additional fields
form-extras-label = Additional fields (one per line)
form-extras-hint = Write “key = value” on each line.
form-private = Private: only the organization's members see it
form-private-hint = A private dataset does not appear in searches, lists or the public API.
form-featured = Featured on the home page
form-publish = Publish
form-save-draft = Save as draft
form-save = Save changes
form-unpublish = Back to draft
form-cancel = Cancel
form-delete-title = Delete this dataset
form-delete-hint = It goes to the trash: it is no longer shown on the portal, and a site administrator can restore it.
form-delete = Delete
edit-dataset = Edit
new-dataset = New dataset
add-resource = Add a file or link

## Publishing: the resource form
rform-new-title = Add a file or link
rform-edit-title = Edit “{ $name }”
rform-file-or-link = The file or the link
rform-replace = Replace the data
rform-file = File
rform-new-file = New file (replaces “{ $file }”; earlier versions stay available)
rform-file-hint = CSV, Excel (XLSX, XLS), ODS, JSON or GeoJSON, up to { $mb } MB. Tables are read and checked when uploaded.
rform-too-large = The file is larger than the portal accepts ({ $mb } MB).
rform-or-link = Or a link to the data elsewhere
rform-link = Link
rform-describe = What it is called
rform-name = Name
rform-name-hint = Left empty, the file's name is used.
rform-description = Description
rform-format = Format
rform-add = Add
rform-uploading = Uploading… { $percent } %
rform-delete-title = Delete this resource
rform-delete-hint = The resource, its versions and its tables are deleted. This cannot be undone.

## Publishing: the ingest review
review-title = Review of “{ $name }”
review-pending = We are reading version { $number } of the file.
review-refresh = This page updates itself.
review-failed-help = The previous version (if any) stays published. Fix the file and upload it again, or set the header row below.
review-ready = Version { $number } was read and is in service.
review-see-public = See the public page
review-see-row = see the row
review-first-rows = First rows
review-columns = Columns
review-columns-hint = Check each column's type and give it a clear name, its unit and a description. Changing a type or the header row reads the original file again, without uploading it.
review-label = Display name
review-unit = Unit
review-description = Description
review-type-of = Type of “{ $column }”
review-label-of = Display name of “{ $column }”
review-unit-of = Unit of “{ $column }”
review-date-format-of = Date format of “{ $column }”
review-date-format-hint = If a column of dates was read as text, write under its type how they are written (%d day, %m month, %b month name, %Y or %y year): %d/%m/%Y, %d-%b-%y. The table is read again.
review-description-of = Description of “{ $column }”
review-header-row = Header row
review-header-row-hint = The number of the file's row that holds the column names (title rows above it are skipped).
review-subtotals-out = Leave subtotal rows out of the table (the table is read again)
review-save = Save the review
review-back = Back to the dataset

## History
activity-title = Activity
activity-of-dataset = History of “{ $name }”
activity-of-organization = Activity of “{ $name }”
activity-of-user = Activity of { $name }
activity-none = No changes recorded yet.
activity-operator = The portal's administration
activity-changes = { $count ->
    [one] 1 field changed
   *[other] { $count } fields changed
}
activity-field = Field
activity-before = Before
activity-after = After
activity-dataset_create = created the dataset
activity-dataset_update = changed the dataset
activity-dataset_delete = deleted the dataset
activity-resource_create = added the resource
activity-resource_update = changed the resource
activity-resource_delete = deleted the resource
activity-table_review = reviewed the columns of
activity-view_create = saved the view
activity-view_delete = deleted the view
activity-organization_create = created the organization
activity-member_set = gave a role to
activity-member_remove = removed from the organization
user-sysadmin = site administration
user-organizations = Organizations
role-member = member
role-editor = editor
role-admin = admin
history-link = Change history

## People
forbidden-sysadmin = Only the site's administration can do this.
account-title = My account
account-password = Change the password
account-current-password = Current password
account-new-password = New password (at least 10 characters)
account-new-password-again = The new password again
account-change-password = Change the password
account-password-changed = The password was changed. Sign in again with the new one.
account-tokens = API keys
account-tokens-hint = A key lets a program publish on your behalf through the API (CKAN-compatible). Name it for where you use it, and revoke it when you stop.
account-token-once = Copy this key now: it will not be shown again.
account-token-created = created { $date }
account-token-used = last used { $date }
account-token-revoke = Revoke
account-no-tokens = You have no active keys.
account-token-name = Name of the new key
account-token-name-example = e.g. monthly upload from Excel
account-token-create = Create a key
members-title = Members of “{ $name }”
members-roles-hint = A member sees private data and drafts; an editor also publishes and changes datasets; an admin also manages the members.
members-person = Person
members-role = Role
members-remove = Remove
members-role-of = Role of { $name }
members-save-role = Save the role
members-remove-person = Remove { $name }
members-none = This organization has no members yet.
members-add = Add a person
members-username = User name
members-add-button = Add
new-organization = New organization
new-group = New category
new-user = New user account
admin-name = URL name
admin-name-hint = Lowercase letters without accents, digits and dashes: it shows in the address.
admin-fullname = Full name
admin-email = E-mail
admin-first-password = First password
admin-first-password-hint = Give it to the person over a safe channel; they change it in “My account”. At least 10 characters.
admin-title = Title
admin-title-en = Title in English
admin-description = Description
admin-website = Website
admin-create = Create
my-account = My account
manage-members = Members

## What changed in the data
changes-title = Changes in the data of version { $number }
changes-first = This is the first version of the data: there is no earlier one to compare it with.
changes-lead = Compared with version { $older }, which was published before.
changes-by-key = Rows were matched by the column “{ $key }”, which identifies each row.
changes-by-content = Without a column that identifies each row, whole rows were compared: a changed row counts as one removed and one added.
changes-rows-added = { $count ->
    [one] row added
   *[other] rows added
}
changes-rows-removed = { $count ->
    [one] row removed
   *[other] rows removed
}
changes-rows-changed = { $count ->
    [one] row changed
   *[other] rows changed
}
changes-rows-added-title = Rows added
changes-rows-removed-title = Rows removed
changes-rows-changed-title = Rows changed
changes-columns-added = New columns
changes-columns-removed = Columns removed
changes-retyped = The column “{ $column }” went from { $before } to { $after }.
changes-first-n = The first { $n } are shown; the CSV has them all.
changes-link = see what changed in the data

## The trash
trash-title = Trash
trash-lead = Deleted datasets wait here. Restoring brings them back to the portal; purging removes them for good, with the files only they used.
trash-deleted-on = deleted { $date }
trash-restore = Restore
trash-purge = Purge for good
trash-empty = The trash is empty.
trash-restored = “{ $name }” was restored.
trash-purged = The dataset was purged.
activity-dataset_restore = restored the dataset
activity-dataset_purge = purged the dataset

## First steps for staff
next-title = What you can do now
next-first-organization = Create the first organization (the institution that publishes)
next-new-dataset = Publish a new dataset
next-members = Manage the members of { $name }
next-new-user = Create an account for someone
next-new-group = Create a category
next-account = My account: password and API keys

login-error-csrf = The form expired or did not come from this portal. Please try again.

resource-edit = Edit
resource-move-up = Move “{ $name }” up
resource-move-down = Move “{ $name }” down
activity-resources_reorder = reordered the resources of

## Password links
reset-title = Choose a new password
reset-lead = Type your user name or your e-mail address. We will send you a link to choose a new password.
reset-who = User name or e-mail
reset-send = Send the link
reset-no-mail = This portal does not send e-mail. Ask the site's administration for a link to choose your password.
reset-sent = If an account has that name or address, we sent it a link that works for { $hours } hours. Check the spam folder too.
reset-expired = The link was used or has expired.
reset-ask-again = Ask for a new link
reset-set-lead = Choose the new password of the account “{ $name }”.
reset-save = Save the password
login-forgot = Forgot your password?
invite-mailed = A link to choose a password was sent to { $name } ({ $email }).
invite-hand-over = Give { $name } this link over a safe channel: with it they choose their password. It works once, for { $days } days.
invite-see-account = See the account

edit-organization = Edit the organization
edit-group = Edit the category
account-profile = Account details
account-sysadmin = Administers the site (may do anything)
activity-organization_update = changed the organization

review-not-table = This file is not a table (format { $format }): it is published for download as it is, without explorer, charts or data API. For those, upload CSV, Excel (XLSX, XLS), ODS, JSON or GeoJSON.

## Metadata quality
quality-badge = Quality { $met }/{ $total }
quality-explained = How many of the metadata quality criteria this dataset meets (licence, description, coverage, frequency, formats, dictionary, links that answer).
quality-raise = Metadata quality: { $met } of { $total }. To raise it:
quality-licence = Use an open licence (for example CC-BY-4.0).
quality-description = Write a description of at least 100 characters: what it holds, where it comes from, how to use it.
quality-temporal = Give the period the data covers.
quality-spatial = Give the territory it covers (country, departments or municipalities).
quality-frequency = Say how often it is updated.
quality-up-to-date = The data is late for its update frequency: publish the new version or correct the frequency.
quality-open-format = Publish at least one file in an open format (CSV, JSON, GeoJSON, ODS).
quality-dictionary = Describe every column of your tables in the upload's review.
quality-resources = Add at least one file or link with the data.
quality-reachable = Some links did not answer when last checked: fix or remove them.
quality-broken-links = Links that did not answer:
harvested-from = This dataset was harvested from { $host }.
harvested-original = See the original

harvest-title = Harvesting other catalogs
harvest-lead = Harvest sources bring datasets from other CKAN portals or DCAT catalogs, linked back to where they came from. Each run updates what changed and moves to the trash what left the source.
harvest-none = There are no sources yet.
harvest-run-now = Run now
harvest-run-asked = Run requested
harvest-runs = Runs of
harvest-started = Started
harvest-status = Status
harvest-read = Read
harvest-created = New
harvest-updated = Updated
harvest-unchanged = Unchanged
harvest-withdrawn = Withdrawn
harvest-failed = Failed
harvest-files = Files
harvest-stopped = Stopped before the end:
harvest-problems = { $count } records with problems
harvest-never-run = Not run yet.
harvest-status-running = running
harvest-status-done = done
harvest-status-failed = stopped
harvest-copies-files = copies the files
harvest-schedule-manual = by hand
harvest-schedule-hourly = hourly
harvest-schedule-daily = daily
harvest-schedule-weekly = weekly
harvest-add = Add a source
harvest-name = Name
harvest-name-hint = Lowercase letters, digits and dashes; used on the command line.
harvest-type = Type
harvest-url = Address
harvest-url-hint = The CKAN portal's address, or its DCAT catalog's (for example …/catalog.ttl).
harvest-organization = Publish under
harvest-organization-own = The organization each dataset names
harvest-schedule = Schedule
harvest-copy-files = Download and ingest the files (otherwise they are linked)
harvest-add-button = Add source
harvest-added = Source “{ $name }” was added.
harvest-requested = Source “{ $name }” will run within a minute.

## Territorial profiles
place-path = territory
place-home = How is my municipality doing?
place-title = My municipality, my department
place-label = Municipality or department
place-placeholder = E.g. Huehuetenango, San Pedro Sacatepéquez, San Marcos
place-go = Show
place-other = Another place
place-crumbs = Breadcrumbs
place-description = What public data say of { $name }: indicators, rank among its peers and downloads.
place-figures = What the data say of { $name }
place-year = data of { $year }
place-explore = See its rows
place-download = Download its rows (CSV)
place-unplaced = { $count ->
    [one] 1 row of this table has no recognised place code.
   *[other] { $count } rows of this table have no recognised place code.
}
place-nothing = No public table has rows for this place yet.
place-children = Places within
place-not-found = We found no “{ $query }”.
place-did-you-mean = Did you mean…?
place-several = Several places are called “{ $query }”
place-country = Guatemala (whole country)
place-departments = Departments
data-unplaced = Rows whose “{ $column }” is no department or municipality of Guatemala: { $rows }. They are left out of territorial profiles.
api-resource = schema, statistics of each column, versions and ingest report.
api-rows = rows, filtered and sorted
api-aggregate = totals by group
api-column = column
api-value = value
api-filters = the same filters
