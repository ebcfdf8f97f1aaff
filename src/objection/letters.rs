//! The letter a member pastes into the objection form, written for each language (not word for
//! word: each follows its own letter conventions and the GDPR's official terms in it). Every
//! letter names the same processing and the same articles: the objection (Art. 21(1)) to
//! content-creation AI training and to other AI/ML on legitimate interests, with the member's
//! particular situation; the objection to direct marketing and its profiling (Art. 21(2)), which
//! needs no grounds; restriction while LinkedIn assesses it (Art. 18(1)(d)); erasure from training
//! data (Art. 17(1)(c)); written confirmation; and the answer due within one month (Art. 12(3)).

use super::fill::{Inputs, Region};
use super::lang::Lang;
use crate::report::State;

/// The label of the generative-AI setting as LinkedIn's (English) settings page shows it.
const SETTING_LABEL: &str = "Use my data for training content creation AI models";

/// One language's sentences. Placeholders: `{c21_1}` `{c21_2}` `{c18}` `{c17}` `{c12}` (the
/// articles, cited as the language does), `{law}` (the regulation's short name), `{grounds}`,
/// `{label}` (the setting's label).
struct Words {
    subject: &'static str,
    greeting: &'static str,
    /// The objection under Art. 21(1), naming the full regulation; ends with a colon.
    object: &'static str,
    genai: &'static str,
    other_ai: &'static str,
    marketing: &'static str,
    situation: &'static str,
    default_grounds: &'static str,
    switched_off: &'static str,
    still_on: &'static str,
    swiss: &'static str,
    elsewhere: &'static str,
    requests: &'static str,
    deadline: &'static str,
    closing: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            subject: "Subject: Objection to processing (Article 21 {law})",
            greeting: "Dear LinkedIn Data Protection team,",
            object: "Under {c21_1} of {regulation} ({law}), I object to the processing of my personal data that LinkedIn bases on its legitimate interests, namely:",
            genai: "the use of my data to train AI models that create content (generative AI);",
            other_ai: "the use of my data for other artificial intelligence and machine learning, such as the models that personalise my feed, recommendations and advertising, moderate content and infer characteristics about me.",
            marketing: "Under {c21_2} {law}, I also object to the processing of my data for direct marketing, including profiling related to it. This objection needs no grounds; the processing must stop.",
            situation: "My particular situation: {grounds}",
            default_grounds: "I use LinkedIn to keep up my professional network and to be found for work. I did not share my profile, my posts and my messages expecting them to train AI models or to be analysed for purposes I cannot see, and my professional reputation depends on my control over how my content and my profile are reused. I exercise my right to the protection of my personal data.",
            switched_off: "I have already turned off the setting \"{label}\"; that only stops future use, so I also object to any further processing of data already collected for this purpose, including in models already trained on it, and ask for its erasure (below).",
            still_on: "The setting \"{label}\" is still on in my account; my objection covers that use of my data in any case.",
            swiss: "The {law} applies to this processing because LinkedIn Ireland Unlimited Company, the controller for members in Switzerland, is established in the EU; I also rely on my rights under the Swiss Federal Act on Data Protection (FADP).",
            elsewhere: "Where the {law} does not apply, I rely on the equivalent rights under the data protection law that applies to me.",
            requests: "While you assess this objection, please restrict the processing of my data under {c18} {law}. Please erase my personal data from the data used to train these models under {c17} {law}, and confirm to me in writing which processing you have stopped.",
            deadline: "Under {c12} {law}, you must answer without undue delay and in any event within one month of receiving this request.",
            closing: "Kind regards,",
        },
        Lang::De => Words {
            subject: "Betreff: Widerspruch gegen die Verarbeitung (Art. 21 {law})",
            greeting: "Sehr geehrtes Datenschutz-Team von LinkedIn,",
            object: "gemäß {c21_1} {regulation} ({law}) widerspreche ich der auf berechtigte Interessen von LinkedIn gestützten Verarbeitung meiner personenbezogenen Daten, und zwar:",
            genai: "der Verwendung meiner Daten zum Training von KI-Modellen, die Inhalte erzeugen (generative KI);",
            other_ai: "der Verwendung meiner Daten für andere künstliche Intelligenz und maschinelles Lernen, etwa für Modelle, die meinen Feed, Empfehlungen und Werbung personalisieren, Inhalte moderieren und Merkmale über mich ableiten.",
            marketing: "Gemäß {c21_2} {law} widerspreche ich außerdem der Verarbeitung meiner Daten zum Zwecke der Direktwerbung einschließlich des damit verbundenen Profilings. Dieser Widerspruch bedarf keiner Begründung; die Verarbeitung ist einzustellen.",
            situation: "Meine besondere Situation: {grounds}",
            default_grounds: "Ich nutze LinkedIn, um mein berufliches Netzwerk zu pflegen und beruflich gefunden zu werden. Ich habe mein Profil, meine Beiträge und meine Nachrichten nicht in der Erwartung geteilt, dass damit KI-Modelle trainiert oder sie zu Zwecken ausgewertet werden, die ich nicht überblicken kann; mein beruflicher Ruf hängt davon ab, dass ich bestimme, wie meine Inhalte und mein Profil weiterverwendet werden. Ich mache mein Recht auf Schutz meiner personenbezogenen Daten geltend.",
            switched_off: "Die Einstellung „{label}“ habe ich bereits ausgeschaltet; das verhindert nur die künftige Verwendung, daher widerspreche ich auch jeder weiteren Verarbeitung der bereits zu diesem Zweck erhobenen Daten, auch in bereits damit trainierten Modellen, und verlange ihre Löschung (siehe unten).",
            still_on: "Die Einstellung „{label}“ ist in meinem Konto noch eingeschaltet; mein Widerspruch umfasst diese Verwendung meiner Daten in jedem Fall.",
            swiss: "Die {law} gilt für diese Verarbeitung, weil LinkedIn Ireland Unlimited Company, der Verantwortliche für Mitglieder in der Schweiz, in der EU niedergelassen ist; zudem mache ich meine Rechte nach dem schweizerischen Datenschutzgesetz (DSG) geltend.",
            elsewhere: "Soweit die {law} nicht anwendbar ist, mache ich die entsprechenden Rechte nach dem für mich geltenden Datenschutzrecht geltend.",
            requests: "Bitte schränken Sie die Verarbeitung meiner Daten gemäß {c18} {law} ein, solange Sie diesen Widerspruch prüfen. Bitte löschen Sie meine personenbezogenen Daten gemäß {c17} {law} aus den Daten, mit denen diese Modelle trainiert werden, und bestätigen Sie mir schriftlich, welche Verarbeitung Sie eingestellt haben.",
            deadline: "Gemäß {c12} {law} haben Sie mir unverzüglich, spätestens aber innerhalb eines Monats nach Eingang dieses Antrags zu antworten.",
            closing: "Mit freundlichen Grüßen",
        },
        Lang::Fr => Words {
            subject: "Objet : opposition au traitement (article 21 du {law})",
            greeting: "Madame, Monsieur,",
            object: "Conformément à l'{c21_1} {regulation} ({law}), je m'oppose au traitement de mes données à caractère personnel que LinkedIn fonde sur ses intérêts légitimes, à savoir :",
            genai: "l'utilisation de mes données pour entraîner des modèles d'IA qui créent du contenu (IA générative) ;",
            other_ai: "l'utilisation de mes données pour d'autres systèmes d'intelligence artificielle et d'apprentissage automatique, tels que les modèles qui personnalisent mon fil, les recommandations et la publicité, modèrent les contenus et déduisent des caractéristiques me concernant.",
            marketing: "Conformément à l'{c21_2} du {law}, je m'oppose également au traitement de mes données à des fins de prospection, y compris au profilage lié à cette prospection. Cette opposition n'a pas à être motivée ; le traitement doit cesser.",
            situation: "Ma situation particulière : {grounds}",
            default_grounds: "j'utilise LinkedIn pour entretenir mon réseau professionnel et pour que l'on puisse me trouver pour des opportunités professionnelles. Je n'ai pas partagé mon profil, mes publications et mes messages pour qu'ils servent à entraîner des modèles d'IA ou qu'ils soient analysés à des fins que je ne peux pas connaître, et ma réputation professionnelle dépend de la maîtrise que je garde sur la réutilisation de mes contenus et de mon profil. J'exerce mon droit à la protection des données à caractère personnel.",
            switched_off: "J'ai déjà désactivé le paramètre « {label} » ; cela n'empêche que l'utilisation future, c'est pourquoi je m'oppose aussi à tout traitement ultérieur des données déjà collectées à cette fin, y compris dans les modèles déjà entraînés avec elles, et je demande leur effacement (ci-dessous).",
            still_on: "Le paramètre « {label} » est encore activé dans mon compte ; mon opposition couvre en tout état de cause cette utilisation de mes données.",
            swiss: "Le {law} s'applique à ce traitement, car LinkedIn Ireland Unlimited Company, responsable du traitement pour les membres en Suisse, est établie dans l'Union européenne ; je fais également valoir mes droits au titre de la loi fédérale suisse sur la protection des données (LPD).",
            elsewhere: "Dans la mesure où le {law} ne s'applique pas, je fais valoir les droits équivalents prévus par la loi sur la protection des données qui m'est applicable.",
            requests: "Pendant l'examen de cette opposition, je vous demande de limiter le traitement de mes données conformément à l'{c18} du {law}. Je vous demande d'effacer mes données à caractère personnel des données servant à entraîner ces modèles conformément à l'{c17} du {law}, et de me confirmer par écrit les traitements auxquels vous avez mis fin.",
            deadline: "Conformément à l'{c12} du {law}, vous devez me répondre dans les meilleurs délais et en tout état de cause dans un délai d'un mois à compter de la réception de cette demande.",
            closing: "Veuillez agréer, Madame, Monsieur, mes salutations distinguées.",
        },
        Lang::Es => Words {
            subject: "Asunto: oposición al tratamiento (artículo 21 del {law})",
            greeting: "Estimado equipo de protección de datos de LinkedIn:",
            object: "De conformidad con el {c21_1} {regulation} ({law}), me opongo al tratamiento de mis datos personales que LinkedIn basa en sus intereses legítimos, en concreto:",
            genai: "el uso de mis datos para entrenar modelos de IA que crean contenido (IA generativa);",
            other_ai: "el uso de mis datos para otros sistemas de inteligencia artificial y aprendizaje automático, como los modelos que personalizan mi feed, las recomendaciones y la publicidad, moderan contenidos e infieren características sobre mí.",
            marketing: "De conformidad con el {c21_2} del {law}, me opongo también al tratamiento de mis datos con fines de mercadotecnia directa, incluida la elaboración de perfiles relacionada con ella. Esta oposición no requiere motivación; el tratamiento debe cesar.",
            situation: "Mi situación particular: {grounds}",
            default_grounds: "uso LinkedIn para mantener mi red profesional y para que me encuentren por motivos profesionales. No compartí mi perfil, mis publicaciones ni mis mensajes para que sirvieran para entrenar modelos de IA ni para que se analizaran con fines que no puedo conocer, y mi reputación profesional depende de que controle cómo se reutilizan mis contenidos y mi perfil. Ejerzo mi derecho a la protección de mis datos personales.",
            switched_off: "Ya he desactivado el ajuste «{label}»; eso solo impide el uso futuro, por lo que me opongo también a todo tratamiento posterior de los datos ya recogidos con este fin, incluso en modelos ya entrenados con ellos, y solicito su supresión (véase más abajo).",
            still_on: "El ajuste «{label}» sigue activado en mi cuenta; mi oposición abarca en todo caso ese uso de mis datos.",
            swiss: "El {law} se aplica a este tratamiento porque LinkedIn Ireland Unlimited Company, responsable del tratamiento para los miembros en Suiza, está establecida en la UE; además, ejerzo mis derechos en virtud de la Ley Federal suiza de Protección de Datos (LPD).",
            elsewhere: "En la medida en que el {law} no sea aplicable, ejerzo los derechos equivalentes que me reconoce la legislación de protección de datos que me sea aplicable.",
            requests: "Mientras examinan esta oposición, les solicito que limiten el tratamiento de mis datos de conformidad con el {c18} del {law}. Les solicito que supriman mis datos personales de los datos utilizados para entrenar estos modelos de conformidad con el {c17} del {law}, y que me confirmen por escrito qué tratamientos han cesado.",
            deadline: "De conformidad con el {c12} del {law}, deben responderme sin dilación indebida y, en cualquier caso, en el plazo de un mes a partir de la recepción de esta solicitud.",
            closing: "Atentamente,",
        },
        Lang::It => Words {
            subject: "Oggetto: opposizione al trattamento (articolo 21 del {law})",
            greeting: "Spettabile team per la protezione dei dati di LinkedIn,",
            object: "ai sensi dell'{c21_1} {regulation} ({law}), mi oppongo al trattamento dei miei dati personali che LinkedIn fonda sul proprio legittimo interesse, e precisamente:",
            genai: "all'uso dei miei dati per addestrare modelli di IA che creano contenuti (IA generativa);",
            other_ai: "all'uso dei miei dati per altri sistemi di intelligenza artificiale e apprendimento automatico, come i modelli che personalizzano il mio feed, i suggerimenti e la pubblicità, moderano i contenuti e deducono caratteristiche che mi riguardano.",
            marketing: "Ai sensi dell'{c21_2} del {law}, mi oppongo inoltre al trattamento dei miei dati per finalità di marketing diretto, compresa la profilazione connessa. Questa opposizione non richiede motivazione; il trattamento deve cessare.",
            situation: "La mia situazione particolare: {grounds}",
            default_grounds: "uso LinkedIn per curare la mia rete professionale e per farmi trovare per opportunità di lavoro. Non ho condiviso il mio profilo, i miei post e i miei messaggi perché servissero ad addestrare modelli di IA o fossero analizzati per finalità che non posso conoscere, e la mia reputazione professionale dipende dal controllo che mantengo su come i miei contenuti e il mio profilo vengono riutilizzati. Esercito il mio diritto alla protezione dei dati personali.",
            switched_off: "Ho già disattivato l'impostazione «{label}»; ciò impedisce solo l'uso futuro, perciò mi oppongo anche a ogni ulteriore trattamento dei dati già raccolti per questa finalità, anche nei modelli già addestrati con essi, e ne chiedo la cancellazione (vedi sotto).",
            still_on: "L'impostazione «{label}» è ancora attiva nel mio account; la mia opposizione riguarda in ogni caso questo uso dei miei dati.",
            swiss: "Il {law} si applica a questo trattamento perché LinkedIn Ireland Unlimited Company, titolare del trattamento per i membri in Svizzera, è stabilita nell'UE; faccio inoltre valere i miei diritti ai sensi della legge federale svizzera sulla protezione dei dati (LPD).",
            elsewhere: "Nella misura in cui il {law} non si applica, faccio valere i diritti equivalenti previsti dalla normativa sulla protezione dei dati a me applicabile.",
            requests: "Mentre valutate questa opposizione, vi chiedo di limitare il trattamento dei miei dati ai sensi dell'{c18} del {law}. Vi chiedo di cancellare i miei dati personali dai dati usati per addestrare questi modelli ai sensi dell'{c17} del {law} e di confermarmi per iscritto quali trattamenti avete cessato.",
            deadline: "Ai sensi dell'{c12} del {law}, dovete rispondermi senza ingiustificato ritardo e, comunque, entro un mese dal ricevimento di questa richiesta.",
            closing: "Distinti saluti,",
        },
        Lang::Nl => Words {
            subject: "Onderwerp: bezwaar tegen verwerking (artikel 21 {law})",
            greeting: "Geacht privacyteam van LinkedIn,",
            object: "Op grond van {c21_1} {regulation} ({law}) maak ik bezwaar tegen de verwerking van mijn persoonsgegevens op grond van de gerechtvaardigde belangen van LinkedIn, namelijk:",
            genai: "het gebruik van mijn gegevens om AI-modellen te trainen die inhoud maken (generatieve AI);",
            other_ai: "het gebruik van mijn gegevens voor andere kunstmatige intelligentie en machine learning, zoals de modellen die mijn feed, aanbevelingen en advertenties personaliseren, inhoud modereren en kenmerken over mij afleiden.",
            marketing: "Op grond van {c21_2} {law} maak ik ook bezwaar tegen de verwerking van mijn gegevens voor direct marketing, met inbegrip van profilering die daarmee verband houdt. Dit bezwaar hoeft niet te worden gemotiveerd; de verwerking moet stoppen.",
            situation: "Mijn specifieke situatie: {grounds}",
            default_grounds: "ik gebruik LinkedIn om mijn professionele netwerk te onderhouden en om gevonden te worden voor werk. Ik heb mijn profiel, mijn berichten en mijn posts niet gedeeld om er AI-modellen mee te laten trainen of ze te laten analyseren voor doelen die ik niet kan overzien, en mijn professionele reputatie hangt ervan af dat ik zelf bepaal hoe mijn inhoud en mijn profiel worden hergebruikt. Ik oefen mijn recht op bescherming van mijn persoonsgegevens uit.",
            switched_off: "Ik heb de instelling '{label}' al uitgezet; dat voorkomt alleen toekomstig gebruik, daarom maak ik ook bezwaar tegen elke verdere verwerking van de gegevens die al voor dit doel zijn verzameld, ook in modellen die er al mee zijn getraind, en verzoek ik om wissing ervan (zie hieronder).",
            still_on: "De instelling '{label}' staat in mijn account nog aan; mijn bezwaar geldt in elk geval ook voor dat gebruik van mijn gegevens.",
            swiss: "De {law} is van toepassing op deze verwerking, omdat LinkedIn Ireland Unlimited Company, de verwerkingsverantwoordelijke voor leden in Zwitserland, in de EU is gevestigd; daarnaast beroep ik mij op mijn rechten onder de Zwitserse federale wet op de gegevensbescherming (DSG).",
            elsewhere: "Voor zover de {law} niet van toepassing is, beroep ik mij op de overeenkomstige rechten uit het gegevensbeschermingsrecht dat op mij van toepassing is.",
            requests: "Zolang u dit bezwaar beoordeelt, verzoek ik u de verwerking van mijn gegevens te beperken op grond van {c18} {law}. Ik verzoek u mijn persoonsgegevens te wissen uit de gegevens waarmee deze modellen worden getraind op grond van {c17} {law}, en mij schriftelijk te bevestigen welke verwerkingen u hebt gestopt.",
            deadline: "Op grond van {c12} {law} moet u mij onverwijld en in ieder geval binnen een maand na ontvangst van dit verzoek antwoorden.",
            closing: "Met vriendelijke groet,",
        },
        Lang::Pl => Words {
            subject: "Dotyczy: sprzeciw wobec przetwarzania (art. 21 {law})",
            greeting: "Szanowni Państwo,",
            object: "na podstawie {c21_1} {regulation} ({law}) wnoszę sprzeciw wobec opartego na prawnie uzasadnionych interesach LinkedIn przetwarzania moich danych osobowych, a mianowicie:",
            genai: "wykorzystywania moich danych do trenowania modeli AI, które tworzą treści (generatywna AI);",
            other_ai: "wykorzystywania moich danych na potrzeby innych systemów sztucznej inteligencji i uczenia maszynowego, takich jak modele, które personalizują mój kanał, rekomendacje i reklamy, moderują treści i wyciągają wnioski na temat moich cech.",
            marketing: "Na podstawie {c21_2} {law} wnoszę również sprzeciw wobec przetwarzania moich danych na potrzeby marketingu bezpośredniego, w tym profilowania w zakresie, w jakim jest ono związane z takim marketingiem. Ten sprzeciw nie wymaga uzasadnienia; przetwarzanie musi zostać zakończone.",
            situation: "Moja szczególna sytuacja: {grounds}",
            default_grounds: "korzystam z LinkedIn, aby utrzymywać kontakty zawodowe i aby pracodawcy mogli mnie znaleźć. Mój profil, posty i wiadomości nie zostały udostępnione po to, by trenować na nich modele AI ani by analizować je w celach, których nie mogę poznać, a moja reputacja zawodowa zależy od tego, czy mam kontrolę nad tym, jak moje treści i mój profil są ponownie wykorzystywane. Korzystam z przysługującego mi prawa do ochrony danych osobowych.",
            switched_off: "Ustawienie „{label}” zostało już przeze mnie wyłączone; zapobiega to jedynie przyszłemu wykorzystaniu, dlatego wnoszę również sprzeciw wobec dalszego przetwarzania danych zebranych już w tym celu, także w modelach już na nich wytrenowanych, i żądam ich usunięcia (poniżej).",
            still_on: "Ustawienie „{label}” jest na moim koncie nadal włączone; mój sprzeciw obejmuje w każdym razie takie wykorzystanie moich danych.",
            swiss: "{law} ma zastosowanie do tego przetwarzania, ponieważ LinkedIn Ireland Unlimited Company, administrator danych członków w Szwajcarii, ma siedzibę w UE; powołuję się również na swoje prawa wynikające ze szwajcarskiej federalnej ustawy o ochronie danych (DSG).",
            elsewhere: "W zakresie, w jakim {law} nie ma zastosowania, powołuję się na odpowiednie prawa wynikające z właściwych dla mnie przepisów o ochronie danych.",
            requests: "Na czas rozpatrywania tego sprzeciwu proszę o ograniczenie przetwarzania moich danych na podstawie {c18} {law}. Proszę o usunięcie moich danych osobowych z danych wykorzystywanych do trenowania tych modeli na podstawie {c17} {law} oraz o pisemne potwierdzenie, jakie operacje przetwarzania zostały zakończone.",
            deadline: "Zgodnie z {c12} {law} są Państwo zobowiązani udzielić mi odpowiedzi bez zbędnej zwłoki, a w każdym razie w terminie miesiąca od otrzymania tego żądania.",
            closing: "Z poważaniem,",
        },
    }
}

/// The regulation's full name, with the preposition the sentence needs: the EU's, or the
/// United Kingdom's own (the UK GDPR is not Regulation 2016/679).
fn regulation(lang: Lang, region: Option<Region>) -> &'static str {
    let uk = region == Some(Region::Uk);
    match (lang, uk) {
        (Lang::En, false) => "the General Data Protection Regulation",
        (Lang::En, true) => "the UK General Data Protection Regulation",
        (Lang::De, false) => "der Datenschutz-Grundverordnung",
        (Lang::De, true) => "der britischen Datenschutz-Grundverordnung",
        (Lang::Fr, false) => "du règlement général sur la protection des données",
        (Lang::Fr, true) => "du règlement général britannique sur la protection des données",
        (Lang::Es, false) => "del Reglamento General de Protección de Datos",
        (Lang::Es, true) => "del Reglamento General de Protección de Datos del Reino Unido",
        (Lang::It, false) => "del regolamento generale sulla protezione dei dati",
        (Lang::It, true) => "del regolamento generale sulla protezione dei dati del Regno Unito",
        (Lang::Nl, false) => "van de Algemene verordening gegevensbescherming",
        (Lang::Nl, true) => "van de Britse Algemene verordening gegevensbescherming",
        (Lang::Pl, false) => "ogólnego rozporządzenia o ochronie danych",
        (Lang::Pl, true) => "brytyjskiego ogólnego rozporządzenia o ochronie danych",
    }
}

/// The articles every letter cites, as `(article, paragraph, point)`.
pub const ARTICLES: [(u8, u8, Option<char>); 5] = [
    (21, 1, None),
    (21, 2, None),
    (18, 1, Some('d')),
    (17, 1, Some('c')),
    (12, 3, None),
];

/// The letter, in `lang`, for the member's region, grounds and toggle state.
pub fn letter(i: &Inputs, lang: Lang) -> String {
    let w = words(lang);
    let grounds = i
        .grounds
        .as_deref()
        .map(|g| g.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| w.default_grounds.to_string());
    let fill = |template: &str| -> String {
        let mut out = template
            .replace("{c21_1}", &lang.cite(21, 1, None))
            .replace("{c21_2}", &lang.cite(21, 2, None))
            .replace("{c18}", &lang.cite(18, 1, Some('d')))
            .replace("{c17}", &lang.cite(17, 1, Some('c')))
            .replace("{c12}", &lang.cite(12, 3, None))
            .replace("{regulation}", regulation(lang, i.region))
            .replace("{law}", lang.law(i.region))
            .replace("{label}", SETTING_LABEL);
        // French and the others cite with a trailing comma; none before a full stop.
        out = out.replace(",,", ",").replace(", .", ".");
        // The grounds last: the member's words are never read as a placeholder.
        out.replace("{grounds}", &grounds)
    };
    let mut parts = vec![
        fill(w.subject),
        fill(w.greeting),
        format!(
            "{}\n- {}\n- {}",
            fill(w.object),
            fill(w.genai),
            fill(w.other_ai)
        ),
        fill(w.marketing),
        fill(w.situation),
    ];
    match i.genai_state {
        State::Off => parts.push(fill(w.switched_off)),
        State::On => parts.push(fill(w.still_on)),
        State::Chosen | State::NotOffered | State::Unknown | State::Informational => {}
    }
    match i.region {
        Some(Region::Ch) => parts.push(fill(w.swiss)),
        Some(Region::Other) => parts.push(fill(w.elsewhere)),
        Some(Region::Eea | Region::Uk) | None => {}
    }
    parts.push(fill(w.requests));
    parts.push(fill(w.deadline));
    let mut who = i.name.clone().unwrap_or_default();
    if let Some(url) = i.profile_url() {
        who = format!("{who}\n{url}").trim().to_string();
    }
    parts.push(format!("{}\n{who}", w.closing).trim().to_string());
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(region: Option<Region>) -> Inputs {
        Inputs {
            name: Some("Ada Lovelace".into()),
            public_id: Some("ada-lovelace".into()),
            region,
            genai_state: State::Off,
            ..Inputs::default()
        }
    }

    #[test]
    fn every_language_names_the_same_articles_and_the_deadline() {
        for lang in Lang::ALL {
            for region in [
                Some(Region::Eea),
                Some(Region::Uk),
                Some(Region::Ch),
                Some(Region::Other),
                None,
            ] {
                let text = letter(&inputs(region), lang);
                for (a, p, point) in ARTICLES {
                    let cite = lang.cite(a, p, point);
                    let cite = cite.trim_end_matches(',');
                    assert!(
                        text.contains(cite),
                        "{lang:?} {region:?}: no {cite:?} in\n{text}"
                    );
                }
                assert!(
                    text.contains(lang.one_month()),
                    "{lang:?}: no deadline in\n{text}"
                );
                assert!(text.contains(lang.law(region)), "{lang:?}");
                assert!(
                    !text.contains('{') && !text.contains(",,"),
                    "{lang:?}: {text}"
                );
                assert!(text.contains("https://www.linkedin.com/in/ada-lovelace"));
                if lang != Lang::En {
                    assert!(
                        !text.contains("I object") && !text.contains("Kind regards"),
                        "{lang:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_grounds_are_the_members_own_words_else_a_particular_situation() {
        let mut i = inputs(Some(Region::Eea));
        let default = letter(&i, Lang::En);
        assert!(default.contains("My particular situation: I use LinkedIn"));
        i.grounds = Some("I am a  journalist;\n my sources must stay {c12} hidden.".into());
        let own = letter(&i, Lang::De);
        assert!(
            own.contains(
                "Meine besondere Situation: I am a journalist; my sources must stay {c12} hidden."
            ),
            "{own}"
        );
        assert!(!own.contains("Ich nutze LinkedIn"));
    }

    #[test]
    fn the_toggle_and_the_region_change_what_is_said() {
        let mut i = inputs(Some(Region::Uk));
        assert!(
            letter(&i, Lang::En)
                .contains("Article 21(1) of the UK General Data Protection Regulation (UK GDPR)")
        );
        assert!(letter(&i, Lang::En).contains("already turned off"));
        i.genai_state = State::On;
        assert!(letter(&i, Lang::En).contains("is still on in my account"));
        i.genai_state = State::Unknown;
        let t = letter(&i, Lang::En);
        assert!(!t.contains("already turned off") && !t.contains("still on"));
        i.region = Some(Region::Ch);
        assert!(letter(&i, Lang::De).contains("schweizerischen Datenschutzgesetz"));
        assert!(letter(&i, Lang::Fr).contains("l'article 21, paragraphe 1, du règlement général"));
        assert!(letter(&i, Lang::Pl).contains("art. 18 ust. 1 lit. d) RODO"));
        assert!(letter(&i, Lang::Nl).contains("artikel 17, lid 1, onder c), AVG"));
    }
}
