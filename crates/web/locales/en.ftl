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
view-embed = Embed on another site
views-title = Featured charts
view-open = View, download or embed
chart-geo = Map: boundary resource (GeoJSON or TopoJSON)
chart-geo-help = resource id; empty = department grid
chart-code = Map: property holding the code (empty = detected)
