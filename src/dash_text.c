/* dash_text.c - owns the dashboard's words, in English and Dutch. */
#include "autoconfig.h"

#include <stddef.h>

#include "dash_text.h"

static const char *const words[2][W_COUNT_OF_WORDS] = {
	[DASH_EN] = {
		[W_TITLE] = "Service desk scores",
		[W_SIGN_IN] = "Sign in",
		[W_SIGN_IN_INTRO] = "Enter your work address. If it is known here, we mail you a "
		    "sign-in link that works once, for 15 minutes.",
		[W_ADDRESS] = "E-mail address",
		[W_SEND_LINK] = "Mail me a sign-in link",
		[W_LINK_SENT] = "If this address is known here, a sign-in link is on its way. "
		    "It works once, for 15 minutes.",
		[W_LINK_PAGE] = "Press the button to sign in on this device.",
		[W_LINK_GONE] = "This sign-in link has been used or has expired. Ask for a new one.",
		[W_SIGN_OUT] = "Sign out",
		[W_MY_SCORES] = "My scores",
		[W_OVERVIEW] = "Overview",
		[W_TEAM] = "Team",
		[W_PERIOD] = "Period",
		[W_MONTHS] = "months",
		[W_NPS] = "NPS",
		[W_RESPONSES] = "responses",
		[W_MOE] = "margin of error",
		[W_LOW_SAMPLE] = "fewer than 10 responses: too few to compare",
		[W_NO_ANSWERS] = "No answers in this period.",
		[W_TREND] = "NPS per month",
		[W_DISTRIBUTION] = "Scores given",
		[W_SCORE] = "Score",
		[W_COUNT] = "Answers",
		[W_MONTH] = "Month",
		[W_SHOW_TABLE] = "Show as a table",
		[W_SELF_GAP] = "Your own estimate",
		[W_SELF_AVG] = "you expected",
		[W_CUSTOMER_AVG] = "requesters gave",
		[W_GAP] = "difference",
		[W_NO_SELF] = "No tickets with your own estimate in this period.",
		[W_COMMENTS] = "Comments",
		[W_NO_COMMENTS] = "No comments in this period.",
		[W_TICKET] = "Ticket",
		[W_CATEGORIES] = "Categories",
		[W_CATEGORY] = "Category",
		[W_CLOSED] = "closed",
		[W_SENT] = "surveyed",
		[W_AGENTS] = "Agents (alphabetical, not a ranking)",
		[W_AGENT] = "Agent",
		[W_FOLLOWUPS] = "Call back",
		[W_NO_FOLLOWUPS] = "Nobody is waiting for a call back.",
		[W_REQUESTER] = "Requester",
		[W_MARK_DONE] = "Mark done",
		[W_NOTE] = "Note",
		[W_DONE] = "done",
		[W_FORBIDDEN] = "Not yours to see",
		[W_FORBIDDEN_TEXT] = "This page belongs to another agent or team.",
		[W_NOT_AGENT] = "No tickets of yours have been seen by the survey system.",
		[W_NO_TEAMS] = "You manage no teams.",
		[W_TEAMS] = "Teams",
		[W_NOT_RANKED] = "Each team's own trend, side by side; not a ranking.",
		[W_DETRACTORS] = "0\xe2\x80\x93" "6",
		[W_PASSIVES] = "7\xe2\x80\x93" "8",
		[W_PROMOTERS] = "9\xe2\x80\x93" "10",
		[W_LANGUAGE] = "Nederlands",
		[W_NOT_FOUND] = "Not found",
		[W_BAD_FORM] = "The form was incomplete or came from elsewhere. Please try again.",
		[W_TOO_MANY] = "Too many attempts; wait a minute.",
		[W_WHEN] = "Answered",
	},
	[DASH_NL] = {
		[W_TITLE] = "Scores servicedesk",
		[W_SIGN_IN] = "Inloggen",
		[W_SIGN_IN_INTRO] = "Vul uw werkadres in. Als het hier bekend is, mailen we u een "
		    "inloglink die eenmaal werkt, 15 minuten lang.",
		[W_ADDRESS] = "E-mailadres",
		[W_SEND_LINK] = "Mail mij een inloglink",
		[W_LINK_SENT] = "Als dit adres hier bekend is, is er een inloglink onderweg. "
		    "Die werkt eenmaal, 15 minuten lang.",
		[W_LINK_PAGE] = "Druk op de knop om op dit apparaat in te loggen.",
		[W_LINK_GONE] = "Deze inloglink is al gebruikt of verlopen. Vraag een nieuwe aan.",
		[W_SIGN_OUT] = "Uitloggen",
		[W_MY_SCORES] = "Mijn scores",
		[W_OVERVIEW] = "Overzicht",
		[W_TEAM] = "Team",
		[W_PERIOD] = "Periode",
		[W_MONTHS] = "maanden",
		[W_NPS] = "NPS",
		[W_RESPONSES] = "antwoorden",
		[W_MOE] = "foutmarge",
		[W_LOW_SAMPLE] = "minder dan 10 antwoorden: te weinig om te vergelijken",
		[W_NO_ANSWERS] = "Geen antwoorden in deze periode.",
		[W_TREND] = "NPS per maand",
		[W_DISTRIBUTION] = "Gegeven scores",
		[W_SCORE] = "Score",
		[W_COUNT] = "Antwoorden",
		[W_MONTH] = "Maand",
		[W_SHOW_TABLE] = "Toon als tabel",
		[W_SELF_GAP] = "Uw eigen inschatting",
		[W_SELF_AVG] = "u verwachtte",
		[W_CUSTOMER_AVG] = "aanvragers gaven",
		[W_GAP] = "verschil",
		[W_NO_SELF] = "Geen tickets met uw eigen inschatting in deze periode.",
		[W_COMMENTS] = "Opmerkingen",
		[W_NO_COMMENTS] = "Geen opmerkingen in deze periode.",
		[W_TICKET] = "Ticket",
		[W_CATEGORIES] = "Categorie\xc3\xabn",
		[W_CATEGORY] = "Categorie",
		[W_CLOSED] = "gesloten",
		[W_SENT] = "enquête verstuurd",
		[W_AGENTS] = "Medewerkers (alfabetisch, geen ranglijst)",
		[W_AGENT] = "Medewerker",
		[W_FOLLOWUPS] = "Terugbellen",
		[W_NO_FOLLOWUPS] = "Niemand wacht op een telefoontje.",
		[W_REQUESTER] = "Aanvrager",
		[W_MARK_DONE] = "Afgehandeld",
		[W_NOTE] = "Notitie",
		[W_DONE] = "afgehandeld",
		[W_FORBIDDEN] = "Niet voor u",
		[W_FORBIDDEN_TEXT] = "Deze pagina hoort bij een andere medewerker of een ander team.",
		[W_NOT_AGENT] = "Het enquêtesysteem heeft nog geen tickets van u gezien.",
		[W_NO_TEAMS] = "U beheert geen teams.",
		[W_TEAMS] = "Teams",
		[W_NOT_RANKED] = "Het verloop van elk team naast elkaar; geen ranglijst.",
		[W_DETRACTORS] = "0\xe2\x80\x93" "6",
		[W_PASSIVES] = "7\xe2\x80\x93" "8",
		[W_PROMOTERS] = "9\xe2\x80\x93" "10",
		[W_LANGUAGE] = "English",
		[W_NOT_FOUND] = "Niet gevonden",
		[W_BAD_FORM] = "Het formulier was onvolledig of kwam van elders. Probeer het opnieuw.",
		[W_TOO_MANY] = "Te veel pogingen; wacht een minuut.",
		[W_WHEN] = "Beantwoord",
	},
};

const char *
dash_word(enum dash_lang l, enum dash_word w)
{
	const char *s = words[l == DASH_NL][w];

	return s != NULL ? s : words[DASH_EN][w];
}

const char *
dash_lang_code(enum dash_lang l)
{
	return l == DASH_NL ? "nl" : "en";
}
