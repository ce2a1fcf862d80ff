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
home-charts = Datos en gráficos
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
facet-territory = Territorio
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
dataset-explore = Explorar los datos
dataset-preview = Vista previa
dataset-preview-lead = Primeras filas de «{ $name }»: { $rows } filas y { $columns } columnas en total.
dataset-preview-all = Ver todas las filas, filtrarlas y hacer gráficos
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
row-title = Fila { $number }
row-of-table = Una de las { $total } filas de la tabla.
row-of-view = Una de las { $total } filas de esta vista (con los filtros o la búsqueda aplicados).
row-nav = Filas vecinas
row-previous = Fila anterior
row-next = Fila siguiente
row-back = Volver a la tabla
row-api = Esta fila en la API (JSON)
row-open = Ver la fila { $number } completa
explore-applied = Filtros aplicados
explore-remove = Quitar: { $filter }
explore-row = Fila
notfound-row = Esta vista de la tabla no tiene la fila «{ $name }».
explore-more = (ver completo)
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
api-boundaries = Un recurso GeoJSON o TopoJSON se marca como conjunto de límites para mapas con boundary_code_property (la propiedad que tiene el código INE del departamento o municipio) y, si se quiere, boundary_level (department o municipality); con un valor vacío deja de serlo. Las vistas guardadas (resource_view_create con config.params, los parámetros del constructor de gráficos, y featured) se muestran en la página del conjunto de datos.
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
view-dataset = Datos
view-publisher = Publica
view-back = Ir al conjunto de datos
view-embed = Insertar en otro sitio
views-title = Gráficos destacados
view-open = Ver, descargar o insertar
chart-geo = Límites del mapa
chart-geo-grid = Cuadrícula de departamentos (sin límites)
chart-geo-help = Solo para mapas. Los departamentos y municipios de Guatemala vienen incluidos; otros límites son archivos GeoJSON o TopoJSON que quien publica marca como conjunto de límites.

## Sign-in and saved views managed from the pages
login-title = Entrar
login-lead = Para el personal de las instituciones que publican datos. Para consultar y descargar datos no hace falta una cuenta.
login-name = Usuario
login-password = Contraseña
login-submit = Entrar
login-help = ¿Olvidó su contraseña o necesita una cuenta? Pida ayuda a quien administra el portal.
login-error-wrong = El usuario o la contraseña no son correctos.
login-error-missing = Escriba su usuario y su contraseña.
login-error-blocked = Demasiados intentos fallidos con este usuario desde aquí o desde navegadores que no ha usado antes. Espere 15 minutos o entre desde un navegador que ya haya usado.
login-error-blocked-address = Demasiados intentos fallidos desde su dirección. Espere 15 minutos e inténtelo de nuevo.
login-error-busy = El portal está ocupado. Inténtelo de nuevo en un momento.
login-error-origin = El formulario no vino de este portal. Abra la página de entrada de nuevo.
logout = Salir
forbidden-title = No tiene permiso para hacer esto
forbidden-signin = Entre con su cuenta para hacer esto.
forbidden-csrf = El formulario caducó o no vino de este portal. Vuelva a la página, recárguela e inténtelo de nuevo.
forbidden-edit = Solo el personal de la institución que publica estos datos puede cambiarlos.
forbidden-action = Esa acción no existe.
notfound-user = No hay ningún usuario llamado «{ $name }».
notfound-harvest-source = No hay ninguna fuente de cosecha llamada «{ $name }».
notfound-view = No hay ninguna vista «{ $name }».
views-manage = Administrar las vistas
views-featured = destacada
views-feature = Destacar
views-unfeature = Dejar de destacar
views-delete = Eliminar
view-save-title = Guardar como vista del conjunto de datos
view-save-name = Título
view-save-description = Descripción (opcional)
view-save-featured = Mostrarla en la página del conjunto de datos
view-save = Guardar la vista
view-save-signin = Entre para guardar este gráfico en el conjunto de datos
invalid-title = No se pudo hacer
invalid-back = Volver
boundary-title = Límites para mapas
boundary-marked = Este archivo es un conjunto de límites: sus áreas de { $level } se leen de la propiedad «{ $property }». Los mapas de cualquier tabla pueden usarlo.
boundary-unmarked = Marque este archivo como conjunto de límites para que las tablas del portal puedan dibujarse en mapas con sus áreas.
boundary-property = Propiedad con el código INE (vacía: se busca sola)
boundary-mark = Usar como límites
boundary-unmark = Dejar de usar como límites
boundary-level-department = departamentos
boundary-level-municipality = municipios
boundary-error-file = Solo un archivo GeoJSON o TopoJSON subido al portal puede ser un conjunto de límites.
boundary-error-size = El archivo es demasiado grande para dibujarlo como límites.

## Publishing: the dataset form
form-new-title = Nuevo conjunto de datos
form-edit-title = Editar «{ $name }»
form-has-errors = No se guardó nada: corrija lo que se indica.
form-no-organization = Su cuenta no puede publicar en ninguna organización. Pida a un administrador de su institución que le dé el rol de editor.
form-required = (obligatorio)
form-choose = Elija…
form-not-said = Sin indicar
form-section-what = Qué contiene
form-section-who = Quién lo publica
form-section-find = Cómo encontrarlo
form-section-coverage = Qué periodo y territorio cubre
form-section-terms = Condiciones de uso
form-section-visibility = Quién puede verlo
form-title-es = Título
form-title-en = Título en inglés
form-name = Dirección (nombre URL)
form-name-hint = Minúsculas sin tildes, cifras y guiones. Si la deja vacía se propone a partir del título.
form-description-es = Descripción
form-description-en = Descripción en inglés
form-markdown-hint = Puede usar Markdown: **negrita**, *cursiva*, listas con «-» y enlaces [texto](https://…).
form-english = Versión en inglés (opcional)
form-organization = Organización que publica
form-contact-name = Persona o unidad de contacto
form-contact-email = Correo de contacto
form-source = Página de origen de los datos
form-categories = Categorías
form-tags = Etiquetas
form-tags-hint = Separadas por comas, por ejemplo: pobreza, censo 2018, salud.
form-temporal-start = Desde (fecha)
form-temporal-end = Hasta (fecha)
form-spatial = Cobertura territorial
form-spatial-hint = Elija el país, departamentos o municipios (Ctrl o Cmd para elegir varios).
form-country = todo el país
form-whole-department = todo el departamento
form-frequency = Frecuencia de actualización
form-licence = Licencia
form-licence-hint = Dice qué puede hacer la gente con los datos. Las licencias abiertas permiten reutilizarlos libremente citando la fuente; CC-BY-4.0 es la recomendada.
form-licence-open = abierta
form-version = Versión
form-extras = Campos adicionales
form-extras-label = Campos adicionales (uno por línea)
form-extras-hint = Escriba «clave = valor» en cada línea.
form-private = Privado: solo lo ven los miembros de la organización
form-private-hint = Un conjunto privado no aparece en búsquedas, listas ni en la API pública.
form-featured = Destacado en la página de inicio
form-publish = Publicar
form-save-draft = Guardar como borrador
form-save = Guardar cambios
form-unpublish = Volver a borrador
form-cancel = Cancelar
form-delete-title = Eliminar este conjunto de datos
form-delete-hint = Pasa a la papelera: deja de verse en el portal y un administrador del sitio puede restaurarlo.
form-delete = Eliminar
edit-dataset = Editar
new-dataset = Nuevo conjunto de datos
add-resource = Añadir un archivo o enlace

## Publishing: the resource form
rform-new-title = Añadir un archivo o enlace
rform-edit-title = Editar «{ $name }»
rform-file-or-link = El archivo o el enlace
rform-replace = Reemplazar los datos
rform-file = Archivo
rform-new-file = Archivo nuevo (reemplaza a «{ $file }»; las versiones anteriores siguen disponibles)
rform-file-hint = CSV, Excel (XLSX, XLS), ODS, JSON o GeoJSON, hasta { $mb } MB. Las tablas se leen y revisan al subirlas.
rform-too-large = El archivo es más grande de lo que el portal acepta ({ $mb } MB).
rform-or-link = O bien, un enlace a los datos en otro sitio
rform-link = Enlace
rform-describe = Cómo se llama
rform-name = Nombre
rform-name-hint = Si lo deja vacío, se usa el nombre del archivo.
rform-description = Descripción
rform-format = Formato
rform-add = Añadir
rform-uploading = Subiendo… { $percent } %
rform-delete-title = Eliminar este recurso
rform-delete-hint = Se eliminan el recurso, sus versiones y sus tablas. No se puede deshacer.

## Publishing: the ingest review
review-title = Revisión de «{ $name }»
review-pending = Estamos leyendo la versión { $number } del archivo.
review-refresh = Esta página se actualiza sola.
review-failed-help = La versión anterior (si la hay) sigue publicada. Corrija el archivo y súbalo de nuevo, o ajuste la fila de encabezado abajo.
review-ready = La versión { $number } se leyó bien y está en servicio.
review-see-public = Ver la página pública
review-see-row = ver la fila
review-first-rows = Primeras filas
review-columns = Columnas
review-columns-hint = Revise el tipo de cada columna y dele un nombre claro, su unidad y una descripción. Cambiar un tipo o la fila de encabezado vuelve a leer el archivo original, sin subirlo otra vez.
review-label = Nombre visible
review-unit = Unidad
review-description = Descripción
review-type-of = Tipo de «{ $column }»
review-label-of = Nombre visible de «{ $column }»
review-unit-of = Unidad de «{ $column }»
review-date-format-of = Formato de fecha de «{ $column }»
review-date-format-hint = Si una columna de fechas se leyó como texto, escriba bajo su tipo cómo están escritas (%d día, %m mes, %b mes abreviado, %Y o %y año): %d/%m/%Y, %d-%b-%y. La tabla se vuelve a leer.
review-description-of = Descripción de «{ $column }»
review-header-row = Fila de encabezado
review-header-row-hint = El número de la fila del archivo que tiene los nombres de las columnas (las filas de título de arriba se omiten).
review-subtotals-out = Dejar fuera de la tabla las filas de subtotales (la tabla se vuelve a leer)
review-save = Guardar la revisión
review-back = Volver al conjunto de datos

## History
activity-title = Actividad
activity-of-dataset = Historial de «{ $name }»
activity-of-organization = Actividad de «{ $name }»
activity-of-user = Actividad de { $name }
activity-none = Todavía no hay cambios registrados.
activity-operator = La administración del portal
activity-changes = { $count ->
    [one] 1 campo cambiado
   *[other] { $count } campos cambiados
}
activity-field = Campo
activity-before = Antes
activity-after = Después
activity-dataset_create = creó el conjunto de datos
activity-dataset_update = cambió el conjunto de datos
activity-dataset_delete = eliminó el conjunto de datos
activity-resource_create = añadió el recurso
activity-resource_update = cambió el recurso
activity-resource_delete = eliminó el recurso
activity-table_review = revisó las columnas de
activity-view_create = guardó la vista
activity-view_delete = eliminó la vista
activity-organization_create = creó la organización
activity-member_set = dio un rol a
activity-member_remove = quitó de la organización a
user-sysadmin = administración del sitio
user-organizations = Organizaciones
role-member = miembro
role-editor = editor
role-admin = administrador
history-link = Historial de cambios

## People
forbidden-sysadmin = Solo la administración del sitio puede hacer esto.
account-title = Mi cuenta
account-password = Cambiar la contraseña
account-current-password = Contraseña actual
account-new-password = Contraseña nueva (al menos 10 caracteres)
account-new-password-again = Repita la contraseña nueva
account-change-password = Cambiar la contraseña
account-password-changed = La contraseña se cambió. Entre de nuevo con la contraseña nueva.
account-tokens = Claves de la API
account-tokens-hint = Una clave permite a un programa publicar en su nombre por la API (compatible con CKAN). Dele un nombre que diga dónde la usa y revóquela cuando deje de usarla.
account-token-once = Copie esta clave ahora: no se volverá a mostrar.
account-token-created = creada el { $date }
account-token-used = usada por última vez el { $date }
account-token-revoke = Revocar
account-no-tokens = No tiene claves activas.
account-token-name = Nombre de la clave nueva
account-token-name-example = p. ej. carga mensual desde Excel
account-token-create = Crear una clave
members-title = Miembros de «{ $name }»
members-roles-hint = Un miembro ve los datos privados y borradores; un editor además publica y cambia conjuntos de datos; un administrador además gestiona los miembros.
members-person = Persona
members-role = Rol
members-remove = Quitar
members-role-of = Rol de { $name }
members-save-role = Guardar el rol
members-remove-person = Quitar a { $name }
members-none = Esta organización todavía no tiene miembros.
members-add = Añadir a una persona
members-username = Nombre de usuario
members-add-button = Añadir
new-organization = Nueva organización
new-group = Nueva categoría
new-user = Nueva cuenta de usuario
admin-name = Nombre URL
admin-name-hint = Minúsculas sin tildes, cifras y guiones: aparece en la dirección.
admin-fullname = Nombre completo
admin-email = Correo electrónico
admin-first-password = Contraseña inicial
admin-first-password-hint = Entréguela a la persona por un canal seguro; ella la cambia en «Mi cuenta». Al menos 10 caracteres.
admin-title = Título
admin-title-en = Título en inglés
admin-description = Descripción
admin-website = Sitio web
admin-create = Crear
my-account = Mi cuenta
manage-members = Miembros

## What changed in the data
changes-title = Cambios en los datos de la versión { $number }
changes-first = Es la primera versión de estos datos: no hay una anterior con la cual compararla.
changes-lead = Comparada con la versión { $older }, que estaba publicada antes.
changes-by-key = Las filas se compararon por la columna «{ $key }», que identifica cada fila.
changes-by-content = Sin una columna que identifique cada fila, se compararon las filas completas: una fila modificada cuenta como una quitada y una añadida.
changes-rows-added = { $count ->
    [one] fila añadida
   *[other] filas añadidas
}
changes-rows-removed = { $count ->
    [one] fila quitada
   *[other] filas quitadas
}
changes-rows-changed = { $count ->
    [one] fila modificada
   *[other] filas modificadas
}
changes-rows-added-title = Filas añadidas
changes-rows-removed-title = Filas quitadas
changes-rows-changed-title = Filas modificadas
changes-columns-added = Columnas nuevas
changes-columns-removed = Columnas quitadas
changes-retyped = La columna «{ $column }» pasó de { $before } a { $after }.
changes-first-n = Se muestran las primeras { $n }; el CSV las tiene todas.
changes-link = ver qué cambió en los datos

## The trash
trash-title = Papelera
trash-lead = Los conjuntos de datos eliminados esperan aquí. Restaurar los devuelve al portal; purgar los borra para siempre junto con los archivos que solo ellos usaban.
trash-deleted-on = eliminado el { $date }
trash-restore = Restaurar
trash-purge = Purgar para siempre
trash-empty = La papelera está vacía.
trash-restored = «{ $name }» se restauró.
trash-purged = El conjunto de datos se purgó.
activity-dataset_restore = restauró el conjunto de datos
activity-dataset_purge = purgó el conjunto de datos

## First steps for staff
next-title = Qué puede hacer ahora
next-first-organization = Crear la primera organización (la institución que publica)
next-new-dataset = Publicar un conjunto de datos nuevo
next-members = Gestionar los miembros de { $name }
next-new-user = Crear una cuenta para una persona
next-new-group = Crear una categoría
next-account = Mi cuenta: contraseña y claves de la API

login-error-csrf = El formulario caducó o no vino de este portal. Vuelva a intentarlo.

resource-edit = Editar
resource-move-up = Subir «{ $name }»
resource-move-down = Bajar «{ $name }»
activity-resources_reorder = reordenó los recursos de

## Password links
reset-title = Elegir una contraseña nueva
reset-lead = Escriba su nombre de usuario o su correo. Le enviaremos un enlace para elegir una contraseña nueva.
reset-who = Nombre de usuario o correo
reset-send = Enviar el enlace
reset-no-mail = Este portal no envía correos. Pida a la administración del sitio un enlace para elegir su contraseña.
reset-sent = Si hay una cuenta con ese nombre o correo, le enviamos un enlace que sirve { $hours } horas. Revise también el correo no deseado.
reset-expired = El enlace ya se usó o caducó.
reset-ask-again = Pedir un enlace nuevo
reset-set-lead = Elija la contraseña nueva de la cuenta «{ $name }».
reset-save = Guardar la contraseña
login-forgot = ¿Olvidó su contraseña?
invite-mailed = Se envió a { $name } ({ $email }) un enlace para elegir su contraseña.
invite-hand-over = Entregue a { $name } este enlace por un canal seguro: con él elige su contraseña. Sirve una sola vez, durante { $days } días.
invite-see-account = Ver la cuenta

edit-organization = Editar la organización
edit-group = Editar la categoría
account-profile = Datos de la cuenta
account-sysadmin = Administra el sitio (puede hacer todo)
activity-organization_update = cambió la organización

review-not-table = Este archivo no es una tabla (formato { $format }): se publica para descargarlo tal cual, sin explorador, gráficos ni API de datos. Para eso, suba CSV, Excel (XLSX, XLS), ODS, JSON o GeoJSON.

## Metadata quality
quality-badge = Calidad { $met }/{ $total }
quality-explained = Cuántos de los criterios de calidad de los metadatos cumple este conjunto de datos (licencia, descripción, cobertura, frecuencia, formatos, diccionario, enlaces que responden).
quality-raise = Calidad de los metadatos: { $met } de { $total }. Para mejorarla:
quality-licence = Use una licencia abierta (por ejemplo CC-BY-4.0).
quality-description = Escriba una descripción de al menos 100 caracteres: qué contiene, de dónde viene, cómo se usa.
quality-temporal = Indique el periodo que cubren los datos.
quality-spatial = Indique el territorio que cubren (país, departamentos o municipios).
quality-frequency = Indique cada cuánto se actualiza.
quality-up-to-date = Los datos están atrasados para su frecuencia de actualización: publique la versión nueva o corrija la frecuencia.
quality-open-format = Publique al menos un archivo en un formato abierto (CSV, JSON, GeoJSON, ODS).
quality-dictionary = Describa cada columna de sus tablas en la revisión de la carga.
quality-resources = Añada al menos un archivo o enlace con los datos.
quality-reachable = Algunos enlaces no respondieron en la última revisión: corríjalos o quítelos.
quality-broken-links = Enlaces que no respondieron:
harvested-from = Este conjunto de datos se cosechó de { $host }.
harvested-original = Ver el original

harvest-title = Cosecha de otros catálogos
harvest-lead = Las fuentes de cosecha traen conjuntos de datos de otros portales CKAN o catálogos DCAT, con un enlace a su origen. Cada ejecución actualiza lo que cambió y manda a la papelera lo que desapareció de la fuente.
harvest-none = Todavía no hay fuentes.
harvest-run-now = Ejecutar ahora
harvest-run-asked = Ejecución pedida
harvest-runs = Ejecuciones de
harvest-started = Inicio
harvest-status = Estado
harvest-read = Leídos
harvest-created = Nuevos
harvest-updated = Actualizados
harvest-unchanged = Sin cambios
harvest-withdrawn = Retirados
harvest-failed = Fallidos
harvest-files = Archivos
harvest-stopped = Se detuvo antes de terminar:
harvest-problems = { $count } registros con problemas
harvest-never-run = Aún no se ha ejecutado.
harvest-status-running = en curso
harvest-status-done = terminada
harvest-status-failed = detenida
harvest-copies-files = copia los archivos
harvest-schedule-manual = a mano
harvest-schedule-hourly = cada hora
harvest-schedule-daily = cada día
harvest-schedule-weekly = cada semana
harvest-add = Agregar una fuente
harvest-name = Nombre
harvest-name-hint = Minúsculas, números y guiones; se usa en la línea de comandos.
harvest-type = Tipo
harvest-url = Dirección
harvest-url-hint = La dirección del portal CKAN, o la de su catálogo DCAT (por ejemplo …/catalog.ttl).
harvest-organization = Publicar en
harvest-organization-own = La organización que indique cada conjunto
harvest-schedule = Frecuencia
harvest-copy-files = Descargar e ingerir los archivos (si no, se enlazan)
harvest-add-button = Agregar fuente
harvest-added = Se agregó la fuente «{ $name }».
harvest-requested = La fuente «{ $name }» se ejecutará en menos de un minuto.

## Territorial profiles
place-path = territorio
place-home = ¿Cómo está mi municipio?
place-title = Mi municipio, mi departamento
place-label = Municipio o departamento
place-placeholder = Ej.: Huehuetenango, San Pedro Sacatepéquez, San Marcos
place-go = Ver
place-other = Otro lugar
place-crumbs = Ruta
place-description = Lo que dicen los datos públicos de { $name }: indicadores, posición entre sus pares y descargas.
place-figures = Lo que dicen los datos de { $name }
place-year = datos de { $year }
place-explore = Ver sus filas
place-download = Descargar sus filas (CSV)
place-unplaced = { $count ->
    [one] 1 fila de esta tabla no tiene un código de lugar reconocido.
   *[other] { $count } filas de esta tabla no tienen un código de lugar reconocido.
}
place-nothing = Todavía ninguna tabla pública tiene filas de este lugar.
place-children = Lugares que comprende
place-not-found = No encontramos «{ $query }».
place-did-you-mean = ¿Quiso decir…?
place-several = Varios lugares se llaman «{ $query }»
place-country = Guatemala (todo el país)
place-departments = Departamentos
data-unplaced = Filas cuyo valor en «{ $column }» no es un departamento ni un municipio de Guatemala: { $rows }. No aparecen en los perfiles territoriales.
api-resource = esquema, estadísticas de cada columna, versiones e informe de ingesta.
api-rows = filas, filtradas y ordenadas
api-aggregate = totales por grupo
api-column = columna
api-value = valor
api-filters = los mismos filtros
