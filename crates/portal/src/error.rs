//! What can go wrong, in terms every door translates: CKAN's error dicts, the native API's
//! JSON errors, the pages' messages in the visitor's language.

use ceiba_core::Lang;
use ceiba_store::StoreError;
use ceiba_viz::map::BoundaryError;
use ceiba_viz::territory::Level;

/// What a call was about, for "not found" and "forbidden".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Dataset,
    Resource,
    View,
    Organization,
    Category,
    Account,
    HarvestSource,
}

impl Thing {
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Thing::Dataset, Lang::Es) => "conjunto de datos",
            (Thing::Dataset, Lang::En) => "dataset",
            (Thing::Resource, Lang::Es) => "recurso",
            (Thing::Resource, Lang::En) => "resource",
            (Thing::View, Lang::Es) => "vista",
            (Thing::View, Lang::En) => "view",
            (Thing::Organization, Lang::Es) => "organización",
            (Thing::Organization, Lang::En) => "organization",
            (Thing::Category, Lang::Es) => "categoría",
            (Thing::Category, Lang::En) => "category",
            (Thing::Account, Lang::Es) => "usuario",
            (Thing::Account, Lang::En) => "user",
            (Thing::HarvestSource, Lang::Es) => "fuente de cosecha",
            (Thing::HarvestSource, Lang::En) => "harvest source",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Absent, or present but not for this actor to see.
    #[error("{} not found", .0.name(Lang::En))]
    NotFound(Thing),
    /// The call needs a signed-in account.
    #[error("signing in is required")]
    SignInRequired,
    /// The actor sees it but may not change it.
    #[error("not allowed to change this {}", .0.name(Lang::En))]
    Forbidden(Thing),
    /// Someone else changed it after the actor read it; nothing was written.
    #[error("this {} was changed by someone else in the meantime", .0.name(Lang::En))]
    Conflict(Thing),
    /// A field's value is refused; nothing was written.
    #[error("{field}: {}", .reason.message(Lang::En))]
    Invalid { field: &'static str, reason: Reason },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The portal failed (a scratch file unreadable, a task stopped): not the caller's fault.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn invalid(field: &'static str, reason: Reason) -> Error {
        Error::Invalid { field, reason }
    }
}

/// Why a value is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Only an uploaded GeoJSON/TopoJSON file can be a boundary set.
    NotBoundaryFile,
    /// The file is over [`crate::MAX_BOUNDARY_BYTES`].
    BoundaryTooLarge,
    /// The file's areas hold codes of another level than the one asked for.
    WrongLevel { found: Level, asked: Level },
    /// A level that is neither department nor municipality.
    UnknownLevel(String),
    /// A level given without the property that holds the codes.
    LevelWithoutCode,
    /// The file does not hold usable boundaries.
    Boundary(BoundaryError),
    /// The resource has no table in service to draw from.
    NoTable,
    /// `table` names no table of the resource.
    UnknownTable(String),
    /// A chart that could not be drawn from the table (a column it lacks, a measure that
    /// does not fit its type…), in both languages.
    Chart { es: String, en: String },
    /// Nothing to save.
    Missing,
    /// Another record of its kind has this URL name.
    NameTaken,
    /// No organization has this name or id.
    UnknownOrganization(String),
    /// No category has this name or id.
    UnknownCategory(String),
    /// A link that is not an `http(s)://` address.
    NotHttp,
    /// A resource needs an uploaded file or a link.
    NoFileNorLink,
    /// The file is over the portal's upload limit (bytes).
    FileTooLarge { size: u64, limit: u64 },
    /// A one-time password link that is unknown, used or expired.
    LinkExpired,
    /// The current password given is not the account's.
    WrongPassword,
    /// A new password under the minimum length.
    ShortPassword { min: usize },
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// The table has no column of this name.
    UnknownColumn(String),
    /// A URL name that breaks the rules.
    BadName(ceiba_core::NameError),
    /// Not one of the values allowed here.
    OneOf(&'static [&'static str]),
    /// Refused by the catalog's own checks (a name, a length, a count), as it says it.
    Refused(String),
    /// A date format that cannot read dates (`%d/%m/%Y` can).
    BadDateFormat(String),
}

impl Reason {
    pub fn message(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        let level = |l: &Level| match (l, es) {
            (Level::Department, true) => "departamento",
            (Level::Department, false) => "department",
            (Level::Municipality, true) => "municipio",
            (Level::Municipality, false) => "municipality",
        };
        match self {
            Reason::NotBoundaryFile if es => "Solo un archivo GeoJSON o TopoJSON subido al portal \
                puede ser un conjunto de límites."
                .into(),
            Reason::NotBoundaryFile => {
                "Only uploaded GeoJSON or TopoJSON files can be boundary sets".into()
            }
            Reason::BoundaryTooLarge if es => format!(
                "El archivo es demasiado grande para dibujarlo como límites (más de {} MB).",
                crate::MAX_BOUNDARY_BYTES / (1024 * 1024)
            ),
            Reason::BoundaryTooLarge => format!(
                "The file is too large to draw as boundaries (more than {} MB)",
                crate::MAX_BOUNDARY_BYTES / (1024 * 1024)
            ),
            Reason::WrongLevel { found, asked } if es => format!(
                "Las áreas del archivo tienen códigos de {}, no de {}.",
                level(found),
                level(asked)
            ),
            Reason::WrongLevel { found, asked } => format!(
                "The file's areas are {} codes, not {} codes",
                level(found),
                level(asked)
            ),
            Reason::UnknownLevel(l) if es => {
                format!("Nivel desconocido «{l}»: use «departamento», «municipio» o déjelo vacío.")
            }
            Reason::UnknownLevel(l) => format!(
                "Unknown level \"{l}\": use \"department\", \"municipality\" or leave it empty"
            ),
            Reason::LevelWithoutCode if es => {
                "Solo los conjuntos de límites tienen nivel: indique también la propiedad con \
                 los códigos."
                    .into()
            }
            Reason::LevelWithoutCode => {
                "Only boundary sets have a level: give boundary_code_property as well".into()
            }
            Reason::Boundary(
                e @ (BoundaryError::NotJson { .. } | BoundaryError::NotGeo { .. }),
            ) => {
                if es {
                    format!(
                        "Solo un archivo GeoJSON o TopoJSON puede ser un conjunto de límites: {}",
                        e.message(lang)
                    )
                } else {
                    format!(
                        "Only GeoJSON or TopoJSON files can be boundary sets: {}",
                        e.message(lang)
                    )
                }
            }
            Reason::Boundary(e) => e.message(lang),
            Reason::NoTable if es => "El recurso no tiene una tabla en servicio.".into(),
            Reason::NoTable => "The resource has no table in service".into(),
            Reason::UnknownTable(t) if es => format!("El recurso no tiene la tabla «{t}»."),
            Reason::UnknownTable(t) => format!("The resource has no table \"{t}\""),
            Reason::Chart { es: text, .. } if es => text.clone(),
            Reason::Chart { en, .. } => en.clone(),
            Reason::Missing if es => "Falta este valor.".into(),
            Reason::Missing => "Missing value".into(),
            Reason::NameTaken if es => "Esa dirección (nombre URL) ya está en uso.".into(),
            Reason::NameTaken => "That URL is already in use.".into(),
            Reason::UnknownOrganization(o) if es => format!("No existe la organización «{o}»."),
            Reason::UnknownOrganization(_) => "Organization does not exist".into(),
            Reason::UnknownCategory(c) if es => format!("No existe la categoría «{c}»."),
            Reason::UnknownCategory(c) => format!("That group name or ID does not exist: {c}"),
            Reason::NotHttp if es => "Debe ser una dirección http(s)://.".into(),
            Reason::NotHttp => "Must be an http(s) address".into(),
            Reason::NoFileNorLink if es => "Suba un archivo o indique un enlace.".into(),
            Reason::NoFileNorLink => "Missing value: give a url or an upload".into(),
            Reason::FileTooLarge { size, limit } => {
                let mb = |b: &u64| format!("{:.1}", *b as f64 / (1024.0 * 1024.0));
                if es {
                    format!(
                        "El archivo pesa {} MB; el límite del portal es {} MB.",
                        mb(size),
                        mb(limit)
                    )
                } else {
                    format!(
                        "The file is {} MB; the portal's limit is {} MB",
                        mb(size),
                        mb(limit)
                    )
                }
            }
            Reason::BadName(e) => e.message(lang),
            Reason::LinkExpired if es => "El enlace ya se usó o caducó. Pida uno nuevo.".into(),
            Reason::LinkExpired => "The link was used or has expired. Ask for a new one".into(),
            Reason::WrongPassword if es => "La contraseña actual no es correcta.".into(),
            Reason::WrongPassword => "The current password is not correct".into(),
            Reason::ShortPassword { min } if es => {
                format!("La contraseña nueva debe tener al menos {min} caracteres.")
            }
            Reason::ShortPassword { min } => {
                format!("The new password must be at least {min} characters long")
            }
            Reason::TooLong { max } if es => format!("Como máximo {max} caracteres."),
            Reason::TooLong { max } => format!("At most {max} characters"),
            Reason::UnknownColumn(c) if es => format!("La tabla no tiene la columna «{c}»."),
            Reason::UnknownColumn(c) => format!("The table has no column \"{c}\""),
            Reason::OneOf(allowed) if es => format!("Debe ser uno de: {}.", allowed.join(", ")),
            Reason::OneOf(allowed) => format!("Must be one of: {}", allowed.join(", ")),
            Reason::Refused(m) => ceiba_core::bounds::refusal_in(lang, m),
            Reason::BadDateFormat(f) if es => format!(
                "«{f}» no es un formato de fecha: use %d (día), %m (mes), %b (mes abreviado), %Y o %y (año), p. ej. %d/%m/%Y."
            ),
            Reason::BadDateFormat(f) => format!(
                "\"{f}\" is not a date format: use %d (day), %m (month), %b (month name), %Y or %y (year), e.g. %d/%m/%Y"
            ),
        }
    }
}
