//! Interface strings from Fluent files (`locales/es.ftl`, `locales/en.ftl`), compiled in.

use std::collections::HashMap;

use ceiba_core::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

const SOURCES: [(Lang, &str); 2] = [
    (Lang::Es, include_str!("../locales/es.ftl")),
    (Lang::En, include_str!("../locales/en.ftl")),
];

/// The interface's messages in every language.
pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

impl I18n {
    /// Parses the compiled-in Fluent files. A syntax error there is a build defect, caught
    /// by this crate's tests, so it is reported rather than tolerated.
    pub fn new() -> Result<I18n, String> {
        let mut bundles = HashMap::new();
        for (lang, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_owned())
                .map_err(|(_, errs)| format!("{}.ftl: {errs:?}", lang.code()))?;
            let langid = lang
                .code()
                .parse()
                .map_err(|e| format!("language id {}: {e}", lang.code()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Bidi isolation marks would show up in <title> and attributes.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errs| format!("{}.ftl: {errs:?}", lang.code()))?;
            bundles.insert(lang, bundle);
        }
        Ok(I18n { bundles })
    }

    /// The message `key` in `lang`, falling back to Spanish, then to the key itself.
    pub fn t(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, v.clone());
            }
            a
        });
        for l in [lang, Lang::Es] {
            let Some(bundle) = self.bundles.get(&l) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, ?errors, "message formatting");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(key, "missing message");
        key.to_owned()
    }

    /// Keys present in one language but missing in another; used by tests.
    pub fn missing_keys(&self) -> Vec<String> {
        let keys = |lang: Lang| -> Vec<String> {
            SOURCES
                .iter()
                .filter(|(l, _)| *l == lang)
                .flat_map(|(_, src)| src.lines())
                .filter_map(|line| {
                    let (k, _) = line.split_once(" =")?;
                    (!k.starts_with(' ') && !k.starts_with('#') && !k.is_empty())
                        .then(|| k.trim().to_owned())
                })
                .collect()
        };
        let mut out = Vec::new();
        for a in Lang::ALL {
            for k in keys(a) {
                for b in Lang::ALL {
                    if self
                        .bundles
                        .get(&b)
                        .is_some_and(|bundle| !bundle.has_message(&k))
                    {
                        out.push(format!("{k} missing in {}", b.code()));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_message() {
        let i18n = I18n::new().unwrap();
        assert_eq!(i18n.missing_keys(), Vec::<String>::new());
    }

    #[test]
    fn formats_with_arguments_and_falls_back() {
        let i18n = I18n::new().unwrap();
        let n = [("count", FluentValue::from(3))];
        assert_eq!(
            i18n.t(Lang::Es, "datasets-count", &n),
            "3 conjuntos de datos"
        );
        assert_eq!(i18n.t(Lang::En, "datasets-count", &n), "3 datasets");
        let one = [("count", FluentValue::from(1))];
        assert_eq!(i18n.t(Lang::En, "datasets-count", &one), "1 dataset");
        assert_eq!(i18n.t(Lang::En, "no-such-key", &[]), "no-such-key");
    }
}
