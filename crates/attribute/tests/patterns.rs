//! Hand-written cases for each attribution pattern, and property tests over arbitrary text.

use proptest::prelude::*;
use standpoint_attribute::{Attribution, Attributor};

fn attribute(text: &str) -> Vec<Attribution> {
    Attributor::default().attribute(text)
}

/// (content texts joined by " | ", source text, speaker) of each attribution.
fn summary(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
    attribute(text)
        .iter()
        .map(|a| {
            (
                a.content_text(text).join(" | "),
                a.source.map(|s| s.text(text).to_string()),
                a.speaker.clone(),
            )
        })
        .collect()
}

/// The speakers of [`summary`]'s attributions, in order.
fn speakers(found: &[(String, Option<String>, Option<String>)]) -> Vec<Option<String>> {
    found.iter().map(|x| x.2.clone()).collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn quote_then_frame_with_a_role_and_a_pronoun_chain_across_paragraphs() {
    let t = "US Secretary of State Marco Rubio arrived in Geneva on Monday.\n\n\
             \u{201c}We will not accept a ceasefire that rewards aggression,\u{201d} Rubio said.\n\n\
             He added that talks could resume next week.\n\n\
             \u{201c}The door is open,\u{201d} he said.";
    let found = attribute(t);
    assert_eq!(found.len(), 3, "{:?}", summary(t));
    for a in &found {
        assert_eq!(a.speaker.as_deref(), Some("Marco Rubio"));
        assert_eq!(a.role.as_deref(), Some("US Secretary of State"));
    }
    assert!(found[0].direct && !found[1].direct && found[2].direct);
    assert_eq!(found[1].content_text(t), ["talks could resume next week"]);
    assert_eq!(found[0].cue.len(), 1);
    assert_eq!(found[0].cue[0].text(t), "said");
}

#[test]
fn a_quoted_title_before_a_quote_is_a_name_not_speech() {
    // The rubio-interview example: the show's name is not the speaker's words, and the source
    // is not "program on Sunday".
    let t = "In an interview with CBS\u{2019}s \u{201c}Face the Nation\u{201d} program on Sunday, \
             Rubio expressed his views on the conflict, saying, \u{201c}Stopping the war requires \
             both sides to make concessions. Both sides should expect to gain something.\u{201d}";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("Stopping the war"), "{found:?}");
    assert_eq!(found[0].2, s("Rubio"));
    // A vocative in quotation marks is speech and still joins its quote.
    let t = "\u{201c}Your Honor,\u{201d} the lawyer said, \u{201c}my client was not there at all.\u{201d}";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("Your Honor"), "{found:?}");
}

#[test]
fn two_speakers_quoted_alternately_keep_their_own_words() {
    let t = "\u{201c}A ceasefire now would only let the militias rearm,\u{201d} said Gen. Viktor Oren.\n\n\
             \u{201c}Every day without one costs lives,\u{201d} said Dr. Amira Haddad.\n\n\
             \u{201c}We will not stop halfway,\u{201d} Oren said.\n\n\
             \u{201c}Then more will die,\u{201d} Haddad replied.";
    let speakers: Vec<Option<String>> = summary(t).into_iter().map(|x| x.2).collect();
    assert_eq!(
        speakers,
        [
            s("Viktor Oren"),
            s("Amira Haddad"),
            s("Viktor Oren"),
            s("Amira Haddad")
        ]
    );
}

#[test]
fn signed_quotes_take_the_name_after_the_dash() {
    let t = "Readers wrote in after the debate.\n\
             \u{201c}A ceasefire is the only decent choice.\u{201d} \u{2015} Jane Roe\n\
             \u{201c}No deal with people who shoot at us.\u{201d}\u{a0}\u{2014} Carlos de la Vega.\n\
             \u{201c}He talked for an hour.\u{201d} \u{2015} Trump boasted, \u{201c}That makes me smart.\u{201d}";
    let direct: Vec<Attribution> = attribute(t).into_iter().filter(|a| a.direct).collect();
    let of = |a: &Attribution| {
        (
            a.content_text(t)[0].to_string(),
            a.source.map(|s| s.text(t).to_string()),
            a.cue
                .iter()
                .map(|c| c.text(t).to_string())
                .collect::<Vec<_>>(),
        )
    };
    let found: Vec<_> = direct.iter().map(of).collect();
    assert_eq!(found[0].1, s("Jane Roe"), "{found:?}");
    assert_eq!(found[0].2, ["\u{2015}"]);
    assert!(found[0].0.contains("decent choice"));
    assert_eq!(found[1].1, s("Carlos de la Vega"), "{found:?}");
    assert_eq!(found[1].2, ["\u{2014}"]);
    // A dash followed by a clause is not a signature.
    assert!(found.iter().all(|x| x.1 != s("Trump boasted")), "{found:?}");
}

#[test]
fn a_headline_with_a_colon_names_its_speaker() {
    let t =
        "Leader: \u{201c}We will not back down\u{201d}\n\nThe party leader spoke in the capital.";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1.as_deref(), Some("Leader"));
    assert!(found[0].0.contains("We will not back down"));
}

#[test]
fn a_question_and_answer_paragraph_attributes_the_reply() {
    let t = "When asked whether she would accept the deal, Minister Ana Ruiz replied, \
             \u{201c}Not in this form.\u{201d}";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "\u{201c}Not in this form.\u{201d}");
    assert_eq!(found[0].2.as_deref(), Some("Ana Ruiz"));
}

#[test]
fn a_quote_running_over_paragraphs_is_one_attribution_with_a_span_per_paragraph() {
    let t = "Haddad said: \u{201c}We have waited long enough.\n\n\
             \u{201c}Nobody here can wait another winter.\u{201d}\n\nThe talks went on.";
    let found = attribute(t);
    assert_eq!(found.len(), 1, "{:?}", summary(t));
    assert_eq!(
        found[0].content_text(t),
        [
            "\u{201c}We have waited long enough.",
            "\u{201c}Nobody here can wait another winter.\u{201d}"
        ]
    );
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Haddad"));
}

#[test]
fn an_interrupted_quote_is_one_attribution() {
    let t = "\u{201c}If he thinks that makes him smart,\u{201d} the narrator says, \
             \u{201c}what does that make us?\u{201d}";
    let found = attribute(t);
    assert_eq!(found.len(), 1, "{:?}", summary(t));
    assert_eq!(found[0].content.len(), 2);
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("the narrator"));
}

#[test]
fn nested_single_quotes_stay_inside_their_quote() {
    let t = "\u{201c}They told us \u{2018}wait\u{2019} for a month,\u{201d} the farmer said.";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("\u{2018}wait\u{2019}"));
    assert_eq!(found[0].1.as_deref(), Some("the farmer"));
}

#[test]
fn reported_speech_without_quotation_marks() {
    let cases = [
        (
            "The senator said that the bill would fail.",
            "the bill would fail",
            "The senator",
        ),
        (
            "Smith told reporters the vote would be close.",
            "the vote would be close",
            "Smith",
        ),
        (
            "According to the ministry, the border stays closed.",
            "the border stays closed",
            "the ministry",
        ),
        (
            "The border stays closed, officials said.",
            "The border stays closed",
            "officials",
        ),
        (
            "Most economists believe the tariff will raise prices.",
            "the tariff will raise prices",
            "Most economists",
        ),
    ];
    for (t, content, source) in cases {
        let found = summary(t);
        assert_eq!(found.len(), 1, "{t}: {found:?}");
        assert_eq!(found[0].0, content, "{t}");
        assert_eq!(found[0].1.as_deref(), Some(source), "{t}");
    }
}

#[test]
fn a_mixed_quote_takes_the_clause_after_its_cue() {
    let t = "Clinton called the plan \u{201c}a betrayal of our allies.\u{201d}";
    let found = attribute(t);
    assert_eq!(found.len(), 1, "{:?}", summary(t));
    assert!(found[0].direct);
    assert_eq!(
        found[0].content_text(t),
        ["the plan \u{201c}a betrayal of our allies.\u{201d}"]
    );
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Clinton"));
}

#[test]
fn a_quote_with_no_frame_has_no_source_unless_it_continues_a_speaker() {
    let alone = "\u{201c}Nobody knows what comes next, and nobody will say it.\u{201d}";
    let found = attribute(alone);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].source, None);
    assert_eq!(found[0].speaker, None);
    // After a framed quote in the previous paragraph, the same speaker goes on: one
    // attribution with both quotes (as news annotation joins them).
    let t = "\u{201c}We will hold,\u{201d} said Gen. Viktor Oren.\n\n\
             \u{201c}Nobody knows what comes next, and nobody will say it.\u{201d}";
    let found = attribute(t);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].content.len(), 2);
    assert_eq!(found[0].speaker.as_deref(), Some("Viktor Oren"));
    // Scare quotes are not attributions.
    assert!(attribute("The so-called \u{201c}peace plan\u{201d} was tabled.").is_empty());
}

#[test]
fn transcripts_name_the_speaker_before_the_colon() {
    let t = "WALLACE: Governor, do you support the deal?\n\nPENCE: Well, look, we do not.";
    let found = summary(t);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[1].1.as_deref(), Some("PENCE"));
    assert_eq!(found[1].0, "Well, look, we do not.");
}

#[test]
fn unbalanced_quotation_marks_give_a_clear_result() {
    for t in [
        "\u{201c}Never,\u{201d}\u{201d} he said.",
        "He said \u{201c}never.\n\nThe end \u{201d} of it.",
        "\"\"\"",
        "\u{201d}\u{201c}",
        "\u{201c}",
        "She said: \u{201c}",
    ] {
        let found = attribute(t);
        for a in &found {
            for sp in a.content.iter().chain(&a.cue).chain(a.source.iter()) {
                assert!(sp.start <= sp.end && sp.end <= t.len(), "{t:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Spans lie inside the document on char boundaries; contents of different attributions
    /// do not overlap; no input panics.
    #[test]
    fn spans_are_inside_on_boundaries_and_contents_disjoint(
        parts in proptest::collection::vec(prop_oneof![
            Just("\u{201c}".to_string()), Just("\u{201d}".to_string()), Just("\"".to_string()),
            Just(" said ".to_string()), Just(" told reporters ".to_string()),
            Just("According to ".to_string()), Just(", ".to_string()), Just(". ".to_string()),
            Just("\n\n".to_string()), Just(":".to_string()), Just("He".to_string()),
            Just("Gen. Viktor Oren".to_string()), Just("the minister".to_string()),
            "[a-zA-Z\u{e9}\u{2019} ]{0,12}",
        ], 0..40)
    ) {
        let text: String = parts.concat();
        let found = Attributor::default().attribute(&text);
        let mut contents = Vec::new();
        for a in &found {
            for sp in a.content.iter().chain(&a.cue).chain(a.source.iter()) {
                prop_assert!(sp.start <= sp.end && sp.end <= text.len());
                prop_assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end));
            }
            contents.extend(a.content.iter().copied());
        }
        contents.sort();
        for w in contents.windows(2) {
            prop_assert!(w[0].end <= w[1].start, "overlap {:?} in {:?}", w, text);
        }
    }
}

#[test]
fn she_and_he_skip_people_of_the_other_sex() {
    let t = "Foreign Minister Lena Sorel met Gen. Viktor Oren in Geneva.\n\n\
             \u{201c}We are ready,\u{201d} she said.\n\n\
             \u{201c}We are not,\u{201d} he said.\n\n\
             Mr. Hal Brandt, a delegate, arrived late. \u{201c}Nothing changes,\u{201d} she said.";
    let speakers: Vec<Option<String>> = attribute(t).into_iter().map(|a| a.speaker).collect();
    assert_eq!(
        speakers,
        [s("Lena Sorel"), s("Viktor Oren"), s("Lena Sorel")],
        "{:?}",
        summary(t)
    );
}

#[test]
fn speakers_drop_openers_and_take_names_after_a_possessive() {
    let t = "So Donald Trump said the wall would be built.\n\n\
             Media Research Center\u{2019}s Brent Bozell said the coverage was unfair.";
    let speakers: Vec<Option<String>> = attribute(t).into_iter().map(|a| a.speaker).collect();
    assert_eq!(
        speakers,
        [s("Donald Trump"), s("Brent Bozell")],
        "{:?}",
        summary(t)
    );
}

#[test]
fn pronouns_a_document_cannot_resolve_name_no_speaker() {
    // "I" and "they" are nobody the document names; "she" is not "New Hampshire".
    let t = "Voters in New Hampshire went to the polls.\n\n\
             \u{201c}We will win,\u{201d} she said.\n\n\
             \u{201c}It is over,\u{201d} they said.\n\n\
             \u{201c}I was there,\u{201d} I said.";
    let found = attribute(t);
    assert_eq!(found.len(), 3, "{:?}", summary(t));
    assert!(found.iter().all(|a| a.source.is_some()), "{:?}", summary(t));
    assert!(
        found.iter().all(|a| a.speaker.is_none()),
        "{:?}",
        summary(t)
    );
}

#[test]
fn a_title_case_headline_does_not_lend_its_words_to_a_name() {
    let t = "Cruz: It Is All the Network\u{2019}s Fault\n\
             Ted Cruz apologized on Sunday.\n\n\
             \u{201c}We made a mistake,\u{201d} Cruz said.";
    let found = attribute(t);
    let last = found.last().expect("the quote");
    assert_eq!(
        last.speaker.as_deref(),
        Some("Ted Cruz"),
        "{:?}",
        summary(t)
    );
}

#[test]
fn a_dateline_is_not_part_of_the_source() {
    let t = "GENEVA, March 9 (Standpoint Wire) - Negotiators said they were close to a deal.";
    let found = attribute(t);
    assert_eq!(found.len(), 1, "{:?}", summary(t));
    assert_eq!(found[0].source.map(|s| s.text(t)), Some("Negotiators"));
    assert_eq!(found[0].speaker.as_deref(), Some("Negotiators"));
    assert_eq!(found[0].role, None);
}

#[test]
fn a_quote_after_reported_speech_goes_on_in_that_voice() {
    // The farmer is quoted before; the commander's reported speech frames the next quote.
    let t = "\"We support any ceasefire,\" said farmer Josef Hal, 63.\n\n\
             A local commander, who asked not to be named, said the fighters were tired too. \
             \"Most of the men want a truce. Only the leaders are against it.\"";
    let got = summary(t);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1].0, "the fighters were tired too", "{got:?}");
    assert_eq!(got[1].2.as_deref(), Some("A local commander"), "{got:?}");
    assert!(got[2].0.contains("Most of the men"), "{got:?}");
    assert_eq!(got[2].2.as_deref(), Some("A local commander"), "{got:?}");
}

#[test]
fn speakers_are_never_dates_nor_the_words_after_a_name() {
    // A participle after a comma is the subject's, not the object's before it.
    let t = "Secretary of State Marco Rubio spoke on Sunday.\n\n\
             Rubio stated that he will meet Ukrainian representatives at a meeting scheduled \
             for Monday, saying, \u{201c}We will discuss all these issues.\u{201d}";
    let found = summary(t);
    assert!(!found.is_empty(), "{found:?}");
    for (_, _, speaker) in &found {
        assert_eq!(speaker.as_deref(), Some("Marco Rubio"), "{found:?}");
    }
    // A time phrase before the name and an adverb after it are not part of the speaker.
    let t = "Wells Fargo chief executive John Stumpf runs the bank.\n\n\
             Last week Stumpf in a televised interview said that low-level workers were to blame.\n\n\
             Senator Newt Gingrich spoke too. Gingrich cynically said that Estonia was a suburb.";
    let speakers: Vec<Option<String>> = summary(t).into_iter().map(|x| x.2).collect();
    assert_eq!(
        speakers,
        [s("John Stumpf"), s("Newt Gingrich")],
        "{:?}",
        summary(t)
    );
    // A weekday alone names no one.
    let t = "On Monday, officials said the border would reopen.";
    for (_, _, speaker) in summary(t) {
        assert_ne!(speaker.as_deref(), Some("Monday"));
    }
}

#[test]
fn transcript_paragraphs_inside_a_quotation_keep_their_speakers() {
    let t = "Partial transcript as follows:\n\n\
             \"WALLACE: Let's start with the debate. Will she be there?\n\n\
             \"PENCE: Well, look, this is serious business. She will not attend.\n\n\
             \"WALLACE: Thank you.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("WALLACE"), s("PENCE"), s("WALLACE")],
        "{found:?}"
    );
    assert!(found[1].0.starts_with("Well, look"), "{found:?}");
}

#[test]
fn a_transcript_name_in_capitals_is_the_documents_full_name_but_an_acronym_stays() {
    let t = "Indiana Gov. Mike Pence sat down with Chris Wallace on Sunday.\n\n\
             WALLACE: Governor, do you support the deal?\n\n\
             PENCE: Well, look, we do not.\n\n\
             FBI: The inquiry is closed.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("Chris Wallace"), s("Mike Pence"), s("FBI")],
        "{found:?}"
    );
}

#[test]
fn a_middle_initial_stays_inside_the_name_and_a_pronoun_finds_the_whole_name() {
    let t = "Donald J. Trump spoke in Ohio on Monday. He said the rates were too low.";
    let found = summary(t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2.as_deref(), Some("Donald J. Trump"), "{found:?}");
}

#[test]
fn a_name_joins_only_fuller_names_that_end_with_it_and_the_most_named_wins() {
    let t = "Donald Trump spoke in Ohio. Donald Trump then left. Melania Trump waved.\n\n\
             \u{201c}We will win,\u{201d} Eric Trump said.\n\n\
             \u{201c}We will win big,\u{201d} Trump said.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("Eric Trump"), s("Donald Trump")],
        "{found:?}"
    );
}

#[test]
fn a_pronoun_outside_quotes_skips_the_names_inside_them() {
    let t = "Dennis Prager wrote on Monday: \u{201c}We supported Joseph Stalin against Adolf \
             Hitler.\u{201d}\n\nHe added that the choice was tragic.";
    let found = summary(t);
    assert_eq!(
        speakers(&found).last(),
        Some(&s("Dennis Prager")),
        "{found:?}"
    );
}

#[test]
fn a_pronoun_prefers_the_subject_of_the_sentence_that_last_named_someone() {
    // Centering: "he" is the sentence's subject, not the last person it named.
    let t = "Senator John Smith praised Mayor Tom Brown at the rally in Dover on Friday. \
             \u{201c}We owe the city a great deal,\u{201d} he said.";
    let found = summary(t);
    assert_eq!(speakers(&found).last(), Some(&s("John Smith")), "{found:?}");
    // Still the last sentence that names someone, not an earlier one.
    let t = "Governor Ann Lee opened the session. Later, Senator John Smith praised Mayor Tom \
             Brown at the rally. \u{201c}We owe the city a great deal,\u{201d} he said.";
    let found = summary(t);
    assert_eq!(speakers(&found).last(), Some(&s("John Smith")), "{found:?}");
}

#[test]
fn names_keep_their_initials_and_organisations_their_of_phrase() {
    let t = "\u{201c}This is a disgusting day,\u{201d} said Rep. G.K. Butterfield, head of the \
             caucus. \u{201c}It was common ground,\u{201d} said John D. Podesta.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("G.K. Butterfield"), s("John D. Podesta")],
        "{found:?}"
    );
    let t = "Inmates are mostly black men, according to the Federal Bureau of Prisons.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("Federal Bureau of Prisons")],
        "{found:?}"
    );
}

#[test]
fn a_pronoun_is_never_an_organisation() {
    // "she" skips the board (the sentence's subject) for the person it hired.
    let t = "The Illinois Board of Elections hired Jill Martin on Monday. \
             \u{201c}We count every vote,\u{201d} she said.";
    let found = summary(t);
    assert_eq!(
        speakers(&found).last(),
        Some(&s("Jill Martin")),
        "{found:?}"
    );
}

#[test]
fn surnames_that_are_title_words_modals_or_months_stay_in_the_name() {
    let t = "\u{201c}It does not matter,\u{201d} said Charlie King, a New York Democrat. \
             British Prime Minister Theresa May said the talks would go on. \
             \u{201c}It is unfair,\u{201d} said Del. Stacey Plaskett.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("Charlie King"), s("Theresa May"), s("Stacey Plaskett")],
        "{found:?}"
    );
    // A title word before a name, and "the Obama White House", are still no surname.
    let t = "Justice Ruth Ginsburg said the law was clear.";
    assert_eq!(speakers(&summary(t)), [s("Ruth Ginsburg")]);
}

#[test]
fn organisations_keep_their_and_on_and_for() {
    let t = "The House Oversight and Government Reform Committee said it would vote. \
             The nonpartisan Commission on Presidential Debates says there was a problem. \
             \u{201c}We object,\u{201d} said the Securities and Exchange Commission. \
             The Department of Homeland Security said the threat was low.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [
            s("House Oversight and Government Reform Committee"),
            s("Commission on Presidential Debates"),
            s("Securities and Exchange Commission"),
            s("Department of Homeland Security"),
        ],
        "{found:?}"
    );
    // A person before the organisation stays the speaker; "and" between two people still
    // ends the mention.
    let t = "\u{201c}It was a long shot,\u{201d} said Stephen Vladeck of the University of Texas. \
             Chamber of Commerce President Tom Donohue said the deal was bad.";
    let found = summary(t);
    assert_eq!(
        speakers(&found),
        [s("Stephen Vladeck"), s("Tom Donohue")],
        "{found:?}"
    );
}

#[test]
fn a_first_name_alone_is_the_one_person_of_that_first_name() {
    let t = "Krystal Correa, 24, lives in Phoenix. \u{201c}It makes me afraid,\u{201d} \
             Krystal said.";
    let found = summary(t);
    assert_eq!(speakers(&found), [s("Krystal Correa")], "{found:?}");
    // Two people of that first name: neither.
    let t = "Tom Ebeling met Tom Brady. \u{201c}It was fun,\u{201d} Tom said.";
    let found = summary(t);
    assert_eq!(speakers(&found), [s("Tom")], "{found:?}");
    // "the Florida senator" is no first name of "Florida Legislature".
    let t = "The Florida Legislature met. \u{201c}It is hard,\u{201d} said the Florida senator.";
    let found = summary(t);
    assert_ne!(speakers(&found), [s("Florida Legislature")], "{found:?}");
}
