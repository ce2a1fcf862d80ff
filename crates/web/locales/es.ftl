# Interfaz de Ceiba en español (idioma por defecto).

site-tagline = Portal de datos abiertos
skip-to-content = Saltar al contenido
nav-label = Navegación principal
nav-home = Inicio
nav-datasets = Datos
nav-organizations = Publicadores
nav-groups = Categorías
nav-about = Acerca de
lang-switch-label = Idioma
lang-switch-to = Ver en español
footer-about = Ceiba publica los datos del Estado para que cualquier persona pueda consultarlos, descargarlos y reutilizarlos.
footer-powered = Funciona con Ceiba, software libre para portales de datos abiertos.
footer-licence-note = Salvo que se indique otra cosa, los datos se publican con licencias abiertas.

search-label = Buscar conjuntos de datos
search-placeholder = Pobreza, inversión pública, municipios…
search-button = Buscar

home-title = Datos públicos de Guatemala, abiertos para todos
home-lead = Consulte, descargue y reutilice los datos que publican las instituciones: ranking municipal, pobreza, inversión pública, cooperación internacional y más.
home-categories = Explore por categoría
home-featured = Destacados
home-newest = Publicados recientemente
home-view-all = Ver todos los conjuntos de datos
home-publishers = Quién publica

datasets-count = { $count ->
    [one] 1 conjunto de datos
   *[other] { $count } conjuntos de datos
}
resources-count = { $count ->
    [one] 1 recurso
   *[other] { $count } recursos
}
organizations-count = { $count ->
    [one] 1 publicador
   *[other] { $count } publicadores
}

datasets-title = Conjuntos de datos
datasets-lead = Todos los datos publicados en el portal.
datasets-none = No hay conjuntos de datos que coincidan.
datasets-none-help = Pruebe con otras palabras, quite algún filtro o vea todos los datos.
datasets-query = Resultados para «{ $q }»
filter-organization = Publicador
filter-group = Categoría
filter-tag = Etiqueta
filter-any = Todos
filter-apply = Aplicar
filter-clear = Quitar filtros
sort-label = Ordenar por
sort-newest = Más recientes
sort-modified = Actualizados recientemente
sort-title = Título
sort-name = Nombre
sort-relevance = Relevancia
sort-views = Más vistos
facets-title = Filtrar resultados
facet-groups = Categorías
facet-organization = Publicadores
facet-tags = Etiquetas
facet-res-format = Formatos
facet-license-id = Licencias
facet-year = Años
filters-active = Filtros aplicados
filter-remove = Quitar este filtro
search-relaxed = Ningún conjunto de datos tiene todas las palabras buscadas; estos tienen algunas.
search-past-end = Esta página está más allá del final de los resultados.
search-first-page = Ir a la primera página
search-help-words = Revise la ortografía o pruebe con menos palabras, o más generales.
search-help-filters = Quite algún filtro para ampliar la búsqueda.
match-description = En la descripción
match-tags = Etiquetas
match-categories = Categoría
match-organization = Publicador
match-resources = Recursos
match-columns = Columnas
match-values = Valores en los datos
suggest-datasets = Conjuntos de datos
suggest-categories = Categorías
suggest-organizations = Publicadores
pagination-label = Paginación
page-previous = Anterior
page-next = Siguiente
page-of = Página { $page } de { $pages }
updated-on = Actualizado el { $date }

breadcrumb-label = Ruta de navegación
dataset-resources = Datos y recursos
dataset-no-resources = Este conjunto de datos aún no tiene recursos.
dataset-about = Información del conjunto de datos
dataset-private = Privado
dataset-draft = Borrador
resource-download = Descargar
resource-open-link = Abrir enlace
resource-details = Ver detalles
resource-external = Enlace externo

meta-publisher = Publicador
meta-licence = Licencia
meta-licence-open = Licencia abierta
meta-licence-closed = No es una licencia abierta
meta-temporal = Cobertura temporal
meta-spatial = Cobertura territorial
meta-frequency = Frecuencia de actualización
meta-contact = Contacto
meta-source = Fuente
meta-version = Versión
meta-created = Publicado
meta-modified = Última actualización
meta-tags = Etiquetas
meta-categories = Categorías
meta-extras = Información adicional
meta-id = Identificador
meta-country = Guatemala (todo el país)
meta-department = departamento
meta-municipality = municipio
temporal-range = { $start } a { $end }
temporal-from = Desde { $start }
temporal-until = Hasta { $end }

resource-of = Recurso del conjunto de datos
resource-format = Formato
resource-media-type = Tipo de contenido
resource-size = Tamaño
resource-sha256 = Suma SHA-256
resource-filename = Archivo original
resource-url = Dirección
resource-back = Volver al conjunto de datos
resource-metadata = Detalles del recurso
resource-original-note = El archivo se entrega exactamente como lo subió el publicador.

organizations-title = Publicadores
organizations-lead = Las instituciones que publican datos en este portal.
organization-website = Sitio web
organization-email = Correo
organization-datasets = Datos de este publicador
groups-title = Categorías
groups-lead = Los datos agrupados por tema.
group-datasets = Datos de esta categoría

about-title = Acerca de este portal
about-what-title = Qué es
about-what = Este portal reúne los datos que publican las instituciones del Estado para que la ciudadanía, el periodismo y la academia puedan conocer, vigilar y reutilizar la información pública.
about-use-title = Cómo usar los datos
about-use = Cada conjunto de datos indica su licencia. Con una licencia abierta puede copiar, redistribuir y adaptar los datos, citando la fuente cuando la licencia lo pida.
about-software-title = Software
about-software = El portal funciona con Ceiba, software libre compatible con la interfaz de CKAN y con el vocabulario DCAT.
about-demo-title = Datos de demostración
about-demo = Si ve conjuntos de datos marcados como sintéticos, son datos generados para demostrar el portal: no son cifras oficiales.

notfound-title = No encontramos esa página
notfound-body = Puede que la dirección tenga un error o que el contenido se haya movido o retirado.
notfound-dataset = No hay ningún conjunto de datos llamado «{ $name }».
notfound-organization = No hay ningún publicador llamado «{ $name }».
notfound-group = No hay ninguna categoría llamada «{ $name }».
notfound-resource = Este conjunto de datos no tiene el recurso «{ $name }».
notfound-search = Buscar datos
notfound-home = Ir al inicio
error-title = Algo salió mal
error-body = No pudimos mostrar esta página. Inténtelo de nuevo en unos minutos.
copy-link = Copiar enlace
copied = Enlace copiado

resource-processing = Hay una versión nueva del archivo en proceso; mientras tanto se muestra la versión en servicio.
resource-latest-failed = La versión { $number } no se pudo procesar; sigue en servicio la versión anterior.
resource-problems = Problemas encontrados
data-structure = Estructura de los datos
data-structure-rows = { $rows } filas
data-structure-lead = Tipos de cada columna, detectados al cargar el archivo.
col-name = Columna
col-type = Tipo
col-nulls = Vacíos
col-distinct = Distintos
col-range = Mínimo – máximo
col-top = Más frecuentes
ingest-details = Cómo se leyó el archivo
ingest-format = Formato
ingest-encoding = Codificación
ingest-delimiter = Separador
ingest-warnings = Avisos
versions-title = Versiones del archivo
version-n = Versión { $number }
version-status-ready = lista
version-status-pending = procesando
version-status-failed = falló
version-current = en servicio
resource-progress = Van { $rows } filas leídas ({ $percent } % del archivo).
explore-title = Explorar los datos
explore-tabs = Hojas del libro
explore-search-label = Buscar en la tabla
explore-filters = Filtrar por columna
explore-from = desde
explore-to = hasta
explore-contains = contiene
explore-any = cualquiera
explore-yes = sí
explore-no = no
explore-apply = Aplicar filtros
explore-clear = Quitar filtros
explore-showing = Filas { $from } a { $to } de { $total }
explore-none = Ninguna fila coincide con la búsqueda o los filtros.
explore-sort-by = Ordenar por { $column }
explore-download-view = Descargar esta vista
explore-download-all = Descargar la tabla completa
explore-api = Esta consulta en la API (JSON)
col-hist = Distribución
api-title = API de datos
api-lead = Todo lo que el portal muestra también se puede pedir como datos, para scripts, aplicaciones e investigación.
api-native = API nativa
api-openapi = Descripción OpenAPI
api-ckan = Descargas compatibles con CKAN
api-examples = Ejemplos
api-limits = Cada consulta tiene límites de filas, tiempo y memoria; la respuesta indica cuando se aplicó uno (campo «capped»). Los errores dicen qué parámetro corregir, en español o inglés (parámetro lang).
api-suggest = sugerencias mientras se escribe: conjuntos de datos, categorías y publicadores.
api-ckan-lead = La API de acciones de CKAN: los clientes, recolectores y scripts hechos para CKAN funcionan sin cambios.
api-ckan-writes = y con un token de API:
api-tokens = Los tokens los crea un administrador con «ceiba token create USUARIO»; se envían en la cabecera Authorization (tal cual, como CKAN, o como Bearer). Un editor solo escribe en los datos de su organización.
chart-title = Gráfico
chart-type = Tipo de gráfico
chart-x = Agrupar por
chart-measure = Medida
chart-series = Separar en series por
chart-top = Categorías a mostrar (el resto suma «Otros»)
chart-draw = Dibujar
chart-unmatched = Filas sin territorio reconocido
chart-link = Enlace a este gráfico
chart-data = Datos del gráfico (tabla)
chart-make = Hacer un gráfico
view-explore = Explorar y cambiar este gráfico
view-embed = Insertar en otro sitio
views-title = Gráficos destacados
view-open = Ver, descargar o insertar
chart-geo = Mapa: recurso de límites (GeoJSON o TopoJSON)
chart-geo-help = id del recurso; vacío = cuadrícula de departamentos
chart-code = Mapa: propiedad con el código (vacío = se detecta)
