#!/usr/bin/env python3
"""Generate the synthetic demo sample for `listener` (listener/demo/sample_posts.jsonl).

Every post this script writes is SYNTHETIC. The texts were written for the listener
project as templates plus random slot fillers; none is copied from a real social-media
post or article, and no real person is named (only generic first names such as
"Sarah on Ward 7"). The four NHS trusts, their names and public handles are real; the
opinions, events, authors, outlets and engagement numbers are all invented.

The sample covers ISO weeks 2026-W34..2026-W47 (Mon 2026-08-17 .. Sun 2026-11-22, UTC)
and has deliberate trends so the demo charts show something: a flu-jab campaign in
weeks 40-43, industrial action in week 41, and a spike of waiting-time complaints
about Leeds Teaching Hospitals (RR8) in weeks 45-47.

Deterministic: stdlib only, no network, seeded with random.Random(2026); running it twice gives
byte-identical output. Summary counts go to stderr. Usage: python scripts/make_demo_sample.py [OUTPUT_PATH]
"""

import json
import random
import re
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "listener" / "demo" / "sample_posts.jsonl"
WEEKS = range(34, 48)
PLATFORMS, PLATFORM_W = ["x", "mastodon", "bluesky", "reddit", "news"], [45, 10, 15, 15, 15]

# Mention forms: (text, weight, kind) kind h = handle/hashtag, n = proper name, c = casual/lower-case/misspelt
TRUSTS = {
    "RJ1": {
        "handle": "GSTTnhs",
        "tag": "#GSTT",
        "news": ["South London Courier (synthetic)", "London Evening Bulletin (synthetic)"],
        "forms": [
            ("@GSTTnhs", 6, "h"),
            ("#GSTT", 2, "h"),
            ("Guy's and St Thomas'", 5, "n"),
            ("Guy's and St Thomas' NHS Foundation Trust", 1, "n"),
            ("St Thomas' Hospital", 4, "n"),
            ("Guy's Hospital", 3, "n"),
            ("Evelina London", 2, "n"),
            ("guys and st thomas", 1, "c"),
            ("St Thomas Hospital", 1, "c"),
            ("Guys & St Thomas", 1, "c"),
            ("st thomas' hospital", 1, "c"),
            ("Guy's and St Thomas's", 1, "c"),
        ],
    },
    "RR8": {
        "handle": "LeedsHospitals",
        "tag": "#LTHT",
        "news": ["Yorkshire Evening Gazette (synthetic)", "Leeds Daily Chronicle (synthetic)"],
        "forms": [
            ("@LeedsHospitals", 6, "h"),
            ("#LTHT", 2, "h"),
            ("Leeds Teaching Hospitals", 4, "n"),
            ("Leeds Teaching Hospitals NHS Trust", 1, "n"),
            ("St James's Hospital", 4, "n"),
            ("Leeds General Infirmary", 4, "n"),
            ("LGI", 3, "n"),
            ("Jimmy's", 2, "c"),
            ("jimmys", 1, "c"),
            ("the LGI", 1, "c"),
            ("leeds general infirmary", 1, "c"),
            ("St James Hospital", 1, "c"),
            ("Leeds General Infirmery", 1, "c"),
        ],
    },
    "RX9": {
        "handle": "EMASNHSTrust",
        "tag": "#EMAS",
        "news": ["East Midlands Chronicle (synthetic)", "Trent Valley Chronicle (synthetic)"],
        "forms": [
            ("@EMASNHSTrust", 6, "h"),
            ("#EMAS", 2, "h"),
            ("East Midlands Ambulance Service", 5, "n"),
            ("EMAS", 5, "n"),
            ("emas", 1, "c"),
            ("East Midland Ambulance Service", 1, "c"),
            ("@EMASNHStrust", 1, "h"),
            ("east midlands ambulance service", 1, "c"),
        ],
    },
    "RKE": {
        "handle": "WhittHealth",
        "tag": "",
        "news": ["North London Weekly (synthetic)", "London Evening Bulletin (synthetic)"],
        "forms": [
            ("@WhittHealth", 6, "h"),
            ("Whittington Health", 4, "n"),
            ("Whittington Hospital", 5, "n"),
            ("Whittington Health NHS Trust", 1, "n"),
            ("the Whittington", 3, "c"),
            ("whittington hospital", 1, "c"),
            ("Whittington Hosptial", 1, "c"),
        ],
    },
}
TRUST_W = {"RJ1": 36, "RR8": 28, "RX9": 22, "RKE": 11}
DUO_PAIRS = [("RKE", "RJ1"), ("RJ1", "RR8"), ("RX9", "RR8"), ("RX9", "RJ1"), ("RR8", "RKE")]
NATIONAL_NEWS = ["Health Service Bulletin (synthetic)", "National Health Wire (synthetic)"]

# ---- slot fillers --------------------------------------------------------------------
STAFF_H = [
    "the midwives on Ward 7",
    "the A&E nurses",
    "Sarah on Ward 7",
    "the night team on the stroke unit",
    "the porters",
    "the physio team",
    "the nurses on the children's ward",
    "the day surgery team",
    "the HCAs on the elderly care ward",
    "James in the eye clinic",
    "the radiographers",
    "the cardiac nurses",
    "Priya on the maternity unit",
    "the team on Ward 12",
    "the cleaners on the surgical ward",
    "the chaplaincy team",
    "the anaesthetist",
    "the A&E doctors",
    "Mo in pharmacy",
    "the discharge team",
    "the oncology nurses",
    "Kemi the HCA on nights",
]
STAFF_A = [
    "the paramedics",
    "the ambulance crew",
    "the call handler",
    "the two paramedics, Tom and Aisha",
    "the rapid response paramedic",
    "the crew who came out to my nan",
    "the emergency care assistants",
    "the student paramedic and her mentor",
]
REL = [
    "my mum",
    "my dad",
    "my nan",
    "my grandad",
    "my partner",
    "my son",
    "my daughter",
    "my neighbour",
    "my aunt",
    "my husband",
    "my wife",
]
WHEN = [
    "last night",
    "yesterday",
    "this morning",
    "on Friday",
    "over the weekend",
    "on Tuesday",
    "last week",
    "today",
]
CLINIC = [
    "cardiology",
    "fracture clinic",
    "dermatology",
    "ENT",
    "gastro",
    "the eye clinic",
    "orthopaedics",
    "the MRI",
    "neurology",
    "urology",
]
HOURS_H, HOURS_A = ["5", "6", "7", "8", "9", "10", "11", "12", "14", "16"], ["2", "3", "4", "5", "6", "7"]
TIMES = ["2pm", "6am", "9:30 last night", "midday", "8pm", "4am", "teatime"]
MONEY = ["8.50", "12", "15.60", "22", "4.20 an hour", "31"]
MONTHS = ["March", "April", "May", "June", "July"]
ROLES_H = [
    "band 5 nurses",
    "healthcare assistants",
    "midwives",
    "porters",
    "radiographers",
    "pharmacy technicians",
    "ward clerks",
]
ROLES_A = ["paramedics", "999 call handlers", "emergency care assistants", "patient transport drivers"]
DEPTS = [
    "maternity",
    "radiology",
    "pharmacy",
    "emergency department",
    "estates",
    "critical care",
    "patient experience",
]
DEPTS_A = ["control room", "patient transport", "fleet", "clinical education", "emergency operations centre"]
EMO = {
    "pos": ["❤️", "🙏", "👏", "💙", "🥰", "💐", ""],
    "neg": ["😡", "😤", "🙄", "😢", "😩", ""],
    "sar": ["🙃", "👍", "🤡", "😂", ""],
    "neu": ["💉", "📢", "👀", ""],
}
SENT = {
    "praise": "pos",
    "staff": "pos",
    "wait": "neg",
    "complaint": "neg",
    "mixed": "neg",
    "safeguarding": "neg",
    "abuse": "neg",
    "spike": "neg",
    "sarcasm": "sar",
}

# ---- templates: "H:" hospital trusts only, "A:" ambulance trust only --------------------
T = {
    "praise": [
        "H:Huge thank you to {staff} at {t}. You were incredible with {rel} this week {e}",
        "H:{staff} at {t} deserve a medal. Kind, patient and still cracking jokes at 3am.",
        "Thank you {t} {e}",
        "{t} 👏👏👏",
        "H:Just want to say {staff} at {t} were absolutely brilliant {when}.",
        "H:Had my op at {t} {when}. Every single person was lovely, from the porters to the surgeon.",
        "H:Can't fault {t}. {staff} went above and beyond for {rel}.",
        "H:Gave birth at {t} last week and the midwives were amazing. Thank you for looking after us both 💙",
        "H:Shoutout to {staff} at {t} for making a scary day a lot less scary.",
        "H:{t} {clinic} appointment ran exactly on time and everything was explained clearly. Rare and appreciated.",
        "H:The care {rel} got at {t} in their last days was gentle and dignified. We'll never forget it.",
        "H:Brought my little one into {t} with a high temperature. Seen quickly, nurses so reassuring {e}",
        "H:Five stars for {t}. Clean, calm and {staff} were lovely.",
        "H:{staff} at {t} made {rel} smile on a horrible day. Thank you.",
        "A:The paramedics from {t} who came out to {rel} {when} were calm, kind and brilliant. Thank you.",
        "A:Massive thanks to the {t} crew who looked after me after my bike crash. Legends {e}",
        "A:The 999 call handler at {t} talked me through CPR on my dad until the crew arrived. He's alive because of you.",
        "A:Thank you {t} for getting to {rel} so quickly {when}. Couldn't have asked for better.",
        "A:{t} paramedics were so patient with my nan, who was confused and scared. Proper heroes.",
        "A:{staff} from {t} were amazing with {rel} {when} {e}",
        "Proud of our NHS. {t} you are brilliant {e}",
        "Whoever answered the phone at {t} {when}, thank you for being so kind.",
        "Can't say thank you enough to {t} {e}",
        "Thank you to everyone at {t} who looked after {rel}. We're home and doing well.",
    ],
    "wait": [
        "H:{hours} hours in A&E at {t} and still not seen. {rel} is in agony {e}",
        "H:Been sat in {t} A&E since {time}. No updates, no water, nothing.",
        "H:{rel} spent {hours} hours on a trolley in a corridor at {t}. This is not OK.",
        "H:Waiting list at {t} for {clinic} is now {n} months. How is anyone supposed to live like this?",
        "H:A&E at {t} tonight is rammed. Staff clearly doing their best but a {hours} hour wait is dangerous.",
        "H:Referred urgently in {month} and still no appointment from {t} for {clinic}.",
        "H:{t} why is the A&E wait {hours} hours?? People are sleeping on the floor.",
        "H:Corridor care at {t} again. {rel} has been in a corridor for {hours} hours {e}",
        "H:Still waiting for a bed at {t}. {rel} was admitted at {time} yesterday.",
        "H:Elderly patients sat on plastic chairs all night in {t} A&E. Heartbreaking.",
        "A:Waited {hours} hours for an ambulance for {rel} after a fall. {t} this isn't good enough.",
        "A:{rel} lay on the kitchen floor for {hours} hours waiting for {t}. Disgraceful {e}",
        "A:Ambulances queued outside A&E again and {t} can't get to people. Something has to give.",
        "A:Rang 999 at {time} and {t} arrived {hours} hours later. {rel} was freezing on the pavement.",
    ],
    "complaint": [
        "H:Cancelled appointment at {t} AGAIN. Third time this year for {clinic}. Took a day off work for nothing.",
        "H:£{money} for parking at {t} while visiting {rel}. Charging sick people to park is a scandal.",
        "H:Hospital food at {t} is grim. Cold toast and a beige mystery stew {e}",
        "H:Toilets on the ward at {t} haven't been cleaned all day. Not acceptable in a hospital.",
        "H:Trying to sleep on a ward at {t} with machines beeping and lights on all night. Zero rest.",
        "H:Rude receptionist at {t} {when}. Didn't even look up. Not the way to treat worried people.",
        "H:{rel} was discharged from {t} at 11pm with no transport and no meds. Shocking.",
        "H:Discharge at {t} took {hours} hours because we were 'waiting for pharmacy'. Bed blocked all day.",
        "H:{rel} was given the wrong dose of medication at {t}. Thankfully the family spotted it. Raising a complaint.",
        "H:Medication mix-up for {rel} at {t}. Nobody can tell us how it happened.",
        "Phoned {t} {n} times today. Nobody answers. What is the point of having a phone number?",
        "{t} your phone line just rings out. I've been trying for three days {e}",
        "H:Letter from {t} arrived the day AFTER my appointment. Marked as did not attend.",
        "H:Overflowing bins and dirty floors in the {clinic} waiting area at {t}. Not what you expect.",
        "H:Rude consultant at {t} talked over me the whole appointment and never answered my questions.",
        "H:No wifi, no signal and £{money} a day for the bedside TV at {t}. Daylight robbery.",
        "H:Noise on the ward at {t} is unbearable. Staff chatting loudly at 3am.",
        "A:The call handler at {t} was really dismissive when I rang about {rel}. Made me feel like a time-waster.",
        "A:{t} crew left {rel} at home saying it was nothing. Two days later admitted with pneumonia.",
        "A:Patient transport from {t} never turned up for {rel}'s dialysis. Third time this month.",
    ],
    "mixed": [
        "H:Nurses at {t} were amazing but the wait was awful. {hours} hours before anyone saw {rel}.",
        "H:{staff} at {t} were lovely. Shame about the £{money} parking and the cold food.",
        "A:{t} crew were fantastic once they arrived. Just wish it hadn't taken {hours} hours.",
        "H:Mixed feelings about {t}. Surgery went well, discharge was a total mess.",
        "Staff at {t} are doing their best in an impossible system. Not their fault, but it's not OK.",
        "H:Love {staff} at {t}, hate the phone system. Nobody ever answers.",
        "H:Care was good at {t} once we got a bed. Took {hours} hours in A&E to get there.",
        "Great people at {t}, terrible admin. Three letters with three different dates.",
    ],
    "question": [
        "How do I contact PALS at {t}? The number on the website goes to voicemail.",
        "{t} can someone call me back please? Been waiting since Monday about {rel}'s results.",
        "H:Does anyone know if {t} still has free parking for blue badge holders?",
        "H:What are visiting hours at {t} at the moment? Website says two different things.",
        "H:{t} is {clinic} running today? Had no message either way.",
        "Who do I speak to about a complaint at {t}? Going round in circles.",
        "H:Anyone know how long the A&E wait is at {t} tonight? Debating whether to go.",
        "H:{t} is there a lost property? Left {rel}'s glasses on the ward.",
        "A:How can I get a copy of the ambulance patient report from {t} for {rel}?",
        "A:How do I give feedback to the {t} crew who helped {rel}? Want to thank them properly.",
        "{t} please DM me, I've had no reply to my email from {n} weeks ago.",
    ],
    "sarcasm": [
        "H:Great, another {hours} hours in A&E at {t}. Love it. {e}",
        "H:Oh good, {t} cancelled my appointment by text 20 minutes before. Very efficient.",
        "H:Nothing says 'get well soon' like £{money} parking at {t} 🙃",
        "Wow, {t} answered the phone first time. Just kidding, 54 minutes on hold.",
        "H:Absolutely loving my fourth hour on a plastic chair at {t}. Five stars, would wait again.",
        "A:Only {hours} hours for an ambulance from {t}. Practically teleportation.",
        "H:The {t} A&E experience: bring a sleeping bag, snacks and a good book. Maybe two books.",
        "Thanks {t} for the letter saying my follow-up is in 2028 👍",
    ],
    "spike": [
        "Is it just me or has {t} A&E got much worse this month?",
        "Third night running of people queuing out the door at {t} A&E {e}",
        "Told to expect a {hours} hour wait at {t} A&E tonight. Went home instead. Hope I don't regret it.",
        "{t} A&E waits are getting dangerous. Someone is going to die in that waiting room.",
        "Winter hasn't even started and {t} A&E is already at breaking point.",
        "My GP sent me to {t} A&E with chest pain. {hours} hours later still on a chair. ANGRY.",
    ],
    "staff": [
        "Proud to work at {t}. Tough shift but we got every patient home safe.",
        "12.5 hour shift at {t} done. Sore feet, full heart 💙",
        "Rota for next month at {t} still not out. How are we meant to plan childcare?",
        "Another double shift at {t}. Staffing is on its knees and we're all exhausted.",
        "H:Started my first week as a newly qualified nurse at {t}. Terrified and excited!",
        "A:Last job of the night shift with {t} was a lovely old gent who kept making jokes. Reminds you why we do it.",
        "A:Held outside A&E for {hours} hours with a patient today. Not what any {t} crew signed up for.",
        "We're hiring! {t} is recruiting {role}. Flexible shifts, great team. Link in bio.",
        "Third time this month my leave has been cancelled at {t}. Morale is through the floor.",
        "H:Huge thanks to the night team on my ward at {t}, you carried me through a horrible shift.",
        "Ten years at {t} today. Still love it (most days) 😅",
        "Anyone else at {t} not had their overtime paid yet? Payroll please sort it.",
    ],
    "flu": [
        "Just had my flu jab at the {t} staff clinic. Took 2 minutes. Get yours! 💉",
        "{t} walk-in flu and COVID vaccination clinic this Saturday, no appointment needed. Please share.",
        "H:Took {rel} for a flu jab at {t}, really well organised.",
        "Flu season is coming. If you're eligible, book your jab. Protect yourself and help {t} this winter.",
        "Queue for the vaccination clinic at {t} was out the door but moved fast. Well done all.",
        "H:Reminder from your {t} midwives: flu jabs in pregnancy are free and safe. Ask at your next appointment.",
        "Couldn't get a flu jab slot anywhere, {t} any walk-in sessions left this week?",
        "A:Our {t} crews are getting jabbed to keep patients safe this winter 💉 #FluJab",
    ],
    "strike": [
        "H:Resident doctors at {t} on the picket line this morning. Honked in support.",
        "H:Industrial action at {t} this week means my op is postponed again. Understand why, still gutted.",
        "Standing with colleagues on strike outside {t}. Fair pay for safe staffing ✊",
        "H:Is {t} A&E still open during the strike? Need to know before I bring {rel} in.",
        "A:Ambulance strike: {t} says 999 calls will still be answered but expect delays.",
        "Don't blame the strikers, blame years of pay falling behind. Solidarity to everyone at {t}.",
        "H:Strike day at {t}: consultants covering the wards, everything slower but calm.",
        "H:Fed up with strikes. {rel}'s surgery at {t} has been cancelled twice now.",
    ],
    "safeguarding": [
        "H:Really worried about {rel} on the ward at {t}. Found them without water and in yesterday's clothes. Who do I speak to?",
        "My elderly neighbour came home from {t} last week and has no carers coming in. She lives alone. Who should I call?",
        "H:{rel} has dementia and keeps being left alone for hours at {t}. We're scared they'll fall. Please can someone call me.",
        "A:{rel} is vulnerable and lives alone. The {t} crew left them at home last night and nobody has checked on them. Worried sick.",
        "Not sure this is the right place, but I'm concerned about a vulnerable relative's care at {t}. Nobody is listening to the family.",
    ],
    "abuse": [
        "Disgusting to see a nurse at {t} shouted at and spat at on video. Staff deserve to feel safe at work.",
        "A:A {t} paramedic was assaulted on a call last night. Zero tolerance. They were there to help.",
        "If you're abusive to staff at {t} you're part of the problem. They're doing their best.",
        "The abuse staff get on here is vile. {t} team, most of us are grateful.",
        "H:Watched a man scream at a receptionist at {t} for ten minutes. She stayed calm. Hero.",
    ],
    "scam": [
        "SCAM WARNING: texts claiming to be from {t} asking you to pay for a 'missed appointment'. The NHS won't do this.",
        "Someone is ringing people pretending to be from {t} and asking for bank details. Hang up!",
        "H:Fake post going round says {t} A&E is closed this weekend. It isn't. Check official channels.",
        "No, {t} is not giving away £50 vouchers for completing a survey. It's a phishing link.",
        "That viral post claiming {t} is 'hiding' flu jab side effects is nonsense. Please don't share it.",
        "Beware: fake job ads using the {t} name asking for an upfront fee for DBS checks.",
    ],
    "announce": [
        "We're recruiting! Join our {dept} team. Find out more and apply on our careers page.",
        "{t} is recruiting {role}. Join a team that makes a difference. Apply on our careers page.",
        "H:Welcome to the new cohort of student nurses starting with {t} this week 💙",
        "A:Proud that {t} crews attended more than 2,000 calls this weekend. Thank you to every one of them.",
        "H:Our new community diagnostic centre is now open, offering scans and tests closer to home.",
        "H:Please only attend A&E in an emergency. For urgent advice, use NHS 111 online or call 111.",
        "Our public board meeting takes place on Thursday. Papers are available on our website.",
        "Congratulations to our {dept} team, shortlisted for a national award 🎉",
        "Reminder: we will never ask for bank details by text or phone. Please report suspicious messages.",
        "H:Visiting times are changing on some wards from next Monday. Details on our website.",
        "Thank you to everyone who came to our open day. Over 200 people met our teams.",
        "A:Please only call 999 in a life-threatening emergency. For everything else, use 111 online.",
        "A:Our crews are under significant pressure today. If you've called for an ambulance, please only call back if the patient gets worse.",
    ],
    "announce_flu": [
        "Our staff flu vaccination clinics open today across all sites. Thank you for protecting our patients 💉 #FluJab",
        "Eligible for a free flu jab? Don't wait for winter. Book through the NHS App or your local pharmacy. #FluJab",
        "H:Pop-up vaccination clinic in our main entrance this Saturday 10am-2pm. Walk in, no appointment needed 💉",
    ],
    "announce_strike": [
        "H:Industrial action this week: our services will be busier than usual. Please attend appointments unless we contact you.",
        "A:During industrial action, please only call 999 for life-threatening emergencies. Thank you for your patience.",
        "Thank you to all our staff, whether working or on the picket line, for keeping patients safe this week.",
    ],
    "duo": [
        "H:Got transferred from {t} to {t2} for surgery. Both teams brilliant 👏",
        "Comparing my experience at {t} last year with {t2} this year... night and day.",
        "{t} and {t2} both have staff out on strike this week, check before you travel.",
        "Why does {t} answer the phone in five minutes but {t2} takes an hour?",
        "Moved house and now under {t2} instead of {t}. Honestly miss {t} already.",
        "A:Ambulance crew from {t} were brilliant when I collapsed visiting family. Follow-up at {t2} has been a shambles.",
        "Shoutout to {t} and {t2} for running walk-in flu clinics this month 💉",
        "H:Friend waited {hours} hours at {t}, I waited {hours} hours at {t2}. Same story everywhere.",
    ],
    "none": [
        "Six hours waiting at my local A&E in Bristol tonight. The NHS is on its knees.",
        "NHS 111 kept me on hold for 50 minutes. Staff lovely, system broken.",
        "Booked my flu jab at the pharmacy. Took five minutes. #NHS",
        "Whatever you think about the strikes, nurses deserve better pay.",
        "My GP surgery has moved to an online form and my mum can't use it. Help.",
        "Thanks guys for a great night at the pub quiz, raised £300 for the hospice!",
        "Leeds United away end was bouncing today 💛💙",
        "Waiting 14 weeks for a dermatology referral in Manchester. Is this normal now?",
        "Anyone else find the NHS app actually useful? Ordered a repeat prescription in 30 seconds.",
        "Huge respect to every paramedic working tonight. Stay safe out there.",
        "Lunchtime walk through St James's Park, the leaves are gorgeous 🍂",
        "Our local minor injuries unit in Kent is closing at weekends. Where are people supposed to go?",
    ],
}
NEWS = {
    "neutral": [
        "H:{t} announces new community diagnostic centre",
        "H:{t} board meeting approves plans for new surgical hub",
        "H:{t} opens refurbished children's ward",
        "New chief nurse appointed at {t}",
        "{t} named among top NHS employers in staff survey",
        "H:{t} trials new software to cut outpatient waiting lists",
        "Volunteers celebrated at {t} awards evening",
        "A:{t} unveils new fleet of ambulances",
        "A:{t} launches recruitment drive for 999 call handlers",
        "{t} sets out winter plan as pressures grow",
        "{t} board meeting hears update on finances",
        "H:{t} to open new maternity bereavement suite",
    ],
    "wait": [
        "H:Patients wait up to {hours} hours in A&E at {t}, figures show",
        "H:Inspectors raise concerns over corridor care at {t}",
        "A:Ambulance response times at {t} among slowest in England",
        "H:Waiting list for planned operations at {t} grows again",
        "A:Handover delays outside hospitals leave {t} crews stuck for hours",
    ],
    "negative": [
        "H:{t} apologises after medication error",
        "Family calls for answers over elderly relative's care at {t}",
        "H:Hospital parking charges at {t} to rise in new year",
        "H:Patients report unanswered phone lines at {t} outpatients",
    ],
    "strike": [
        "H:Strike action hits planned operations at {t}",
        "H:Picket lines form outside {t} as resident doctors walk out",
        "A:{t} declares critical incident during ambulance strike",
        "{t} urges public to use services wisely during industrial action",
    ],
    "flu": [
        "{t} urges eligible patients to get flu jab as cases rise",
        "H:Pop-up vaccination clinics launched by {t}",
        "A:{t} staff lead the way on flu jab uptake",
    ],
    "abuse": [
        "{t} condemns attack on staff member",
        "A:Paramedic assaulted while treating patient, says {t}",
    ],
    "scam": [
        "Warning over scam texts claiming to be from {t}",
        "{t} warns of fake job adverts asking for fees",
    ],
}
NEWS_OTHER = [
    "NHS waiting list rises again as winter approaches",
    "Health unions confirm dates for industrial action",
    "Flu vaccine uptake lower than last year, data suggests",
    "Ministers announce review of hospital car parking charges",
]
NEWS_DUO = [
    "{t} and {t2} among trusts under severe winter pressure",
    "Strike action disrupts services at {t} and {t2}",
    "{t} and {t2} join forces on new staff wellbeing scheme",
]
STANDFIRST = {
    "neutral": [
        "Trust leaders say the move will benefit thousands of patients.",
        "The trust says it is part of a wider improvement plan.",
    ],
    "wait": [
        "Health bosses say demand remains exceptionally high.",
        "The trust says it is working hard to reduce delays.",
    ],
    "negative": ["The trust says it takes all concerns seriously.", "An investigation is under way."],
    "strike": [
        "Patients are asked to attend appointments unless contacted.",
        "Emergency care continues to be provided.",
    ],
    "flu": ["Jabs are free for eligible groups.", "Clinics run until the end of November."],
    "abuse": ["Police are investigating.", "The trust says violence against staff will not be tolerated."],
    "scam": [
        "The trust stresses it never asks for payment by text.",
        "Anyone affected is urged to contact their bank.",
    ],
}
REDDIT_EXTRA = {
    "neg": [
        "Has anyone else had this recently?",
        "Not sure whether to go to PALS or straight to a formal complaint.",
        "I know staff are stretched but this felt genuinely unsafe.",
        "Genuinely don't know what else to do at this point.",
        "Feels like nobody is listening.",
        "Sorry for the rant, just needed to get it off my chest.",
    ],
    "pos": [
        "Just wanted to share something positive for once.",
        "They were brilliant from start to finish.",
        "This sub gives the NHS a lot of stick but this was excellent.",
        "If anyone from the team reads this, thank you.",
    ],
    "neu": [
        "Any advice appreciated.",
        "Throwaway for obvious reasons.",
        "Would be good to hear other people's experiences.",
        "Thanks in advance.",
        "Not sure if this is the right sub, mods feel free to remove.",
    ],
}
SOCIAL_TAGS = {
    "pos": ["#NHS", "#NHSHeroes", "#ThankYouNHS"],
    "neg": ["#NHS", "#NHSCrisis", "#AandE"],
    "neu": ["#NHS"],
    "sar": ["#NHS"],
}
HOUR_W = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 8, 8, 8, 8, 9, 10, 10, 9, 7, 5, 3]
ENG_MEAN = {
    "praise": 9,
    "wait": 14,
    "spike": 16,
    "complaint": 10,
    "sarcasm": 18,
    "news": 30,
    "official": 45,
    "abuse": 25,
    "scam": 22,
}
VIRAL = {"wait", "spike", "complaint", "sarcasm", "news", "abuse", "praise"}

FIRST = [
    "sarah",
    "tom",
    "marie",
    "priya",
    "james",
    "aisha",
    "dave",
    "emma",
    "kev",
    "sian",
    "gareth",
    "fatima",
    "liam",
    "chloe",
    "jo",
    "raj",
    "beth",
    "mo",
    "ellie",
    "chris",
    "nadia",
    "pete",
    "zoe",
    "sam",
    "hannah",
    "kemi",
    "owen",
    "lucy",
    "dan",
    "amira",
    "ben",
    "rosie",
    "callum",
    "leanne",
    "gemma",
    "tariq",
    "jade",
    "rob",
    "niamh",
    "steve",
]
WORDS = [
    "tea",
    "northern",
    "ldn",
    "brew",
    "cycling",
    "garden",
    "tired",
    "retired",
    "proud",
    "midlands",
    "yorks",
    "ramble",
    "knit",
    "bus",
    "dog",
    "biscuit",
    "rainy",
    "allotment",
    "footy",
    "quiet",
]
NOUNS = ["mum", "dad", "nan", "fan", "walker", "lad", "lass", "runner", "reader", "owl", "grump", "gran"]
STAFF_PREFIX = [
    "nurse",
    "paramedic",
    "nightshift",
    "hca",
    "midwife",
    "residentdoc",
    "porter",
    "physio",
    "wardsister",
]


def make_authors(rng, n, staff=False):
    out = {}  # dict keeps insertion order, dedupes
    while len(out) < n:
        f = rng.choice(FIRST)
        h = (
            f"{rng.choice(STAFF_PREFIX)}_{f}{rng.randint(1, 99)}"
            if staff
            else [
                f"{f}_{rng.choice('abcdefghjklmnprstw')}{rng.randint(60, 99)}",
                f"{rng.choice(WORDS)}{rng.choice(NOUNS)}{rng.randint(1, 999)}",
                f"{f}{rng.choice(WORDS)}",
                f"{rng.choice(WORDS)}_{f}_{rng.randint(1, 30)}",
                f"{f}.{rng.choice(NOUNS)}",
            ][rng.randrange(5)]
        )
        out[h] = None
    return list(out)


def pick(rng, templates, code):
    """Random template usable for this trust: "H:" = hospitals only, "A:" = ambulance trust only."""
    return re.sub(
        r"^[HA]:", "", rng.choice([x for x in templates if not x.startswith("A:" if code != "RX9" else "H:")])
    )


def mention(rng, code, style):
    kinds = {"social": "hnc", "reddit": "nc", "news": "n"}[style]
    forms = [f for f in TRUSTS[code]["forms"] if f[2] in kinds]
    return rng.choices([f[0] for f in forms], [f[1] for f in forms])[0]


def fill(rng, tpl, code, sent, t="", t2=""):
    amb = code == "RX9"
    slots = {
        "t": t,
        "t2": t2,
        "staff": rng.choice(STAFF_A if amb else STAFF_H),
        "rel": rng.choice(REL),
        "when": rng.choice(WHEN),
        "hours": rng.choice(HOURS_A if amb else HOURS_H),
        "clinic": rng.choice(CLINIC),
        "time": rng.choice(TIMES),
        "money": rng.choice(MONEY),
        "n": str(rng.randint(4, 17)),
        "month": rng.choice(MONTHS),
        "role": rng.choice(ROLES_A if amb else ROLES_H),
        "dept": rng.choice(DEPTS_A if amb else DEPTS),
        "e": rng.choice(EMO.get(sent, EMO["neu"])),
    }
    text = re.sub(r"\s+", " ", tpl.format_map(slots)).strip()  # capitalise a slot that opens a sentence:
    return re.sub(r"(^|[.!?] )(my|the) ", lambda m: m.group(1) + m.group(2).capitalize() + " ", text)


def stamp(rng, week, kind):
    monday = date.fromisocalendar(2026, week, 1)
    day = rng.randrange(5 if kind == "official" else 7)
    hour = (
        rng.randint(6, 21)
        if kind == "news"
        else rng.randint(8, 18)
        if kind == "official"
        else rng.choices(range(24), HOUR_W)[0]
    )
    return datetime.combine(monday + timedelta(days=day), time(hour, rng.randrange(60))).strftime(
        "%Y-%m-%dT%H:%M:00Z"
    )


def engagement(rng, key, platform):
    viral = key in VIRAL and rng.random() < 0.035  # a few posts go viral
    likes = rng.randint(300, 4800) if viral else int(rng.expovariate(1 / ENG_MEAN.get(key, 5)))
    reposts = 0 if platform == "reddit" else int(likes * rng.uniform(0.04, 0.35))
    return likes, reposts, int(likes * rng.uniform(0.02, 0.2)) + rng.randint(0, 3)


class Gen:
    def __init__(self, rng):
        self.rng, self.public, self.staff, self.posts = (
            rng,
            make_authors(rng, 420),
            make_authors(rng, 45, staff=True),
            [],
        )
        self.pub_w = [1 / (i + 1) ** 0.6 for i in range(len(self.public))]  # a few prolific posters

    def post(self, week, code, cat, platform, code2=None):
        """Build one post. cat is a key of T (social) or of NEWS (when platform == 'news')."""
        rng, official = self.rng, cat.startswith("announce")
        if official and platform not in ("x", "mastodon", "bluesky"):
            platform = "x"
        style = "news" if platform == "news" or official else "reddit" if platform == "reddit" else "social"
        sent = SENT.get(cat, "neu")
        t, t2 = (mention(rng, c, style) if c else "" for c in (code, code2))
        if platform == "news":
            tpl = (
                rng.choice(NEWS_DUO)
                if code2
                else rng.choice(NEWS_OTHER)
                if not code
                else pick(rng, NEWS[cat], code)
            )
            text = fill(rng, tpl, code, sent, t, t2)
            if code and rng.random() < 0.45:
                text += " – " + rng.choice(STANDFIRST[cat])
            author = rng.choice(NATIONAL_NEWS if not code or rng.random() < 0.3 else TRUSTS[code]["news"])
        else:
            tpl = pick(rng, T[cat], code)
            text = fill(rng, tpl, code, sent, t, t2)
            if official:
                author = TRUSTS[code]["handle"]
                if "{t}" not in tpl and TRUSTS[code]["tag"] and rng.random() < 0.5:
                    text += " " + TRUSTS[code]["tag"]
            elif cat == "staff" or (cat in ("strike", "abuse") and rng.random() < 0.4):
                author = rng.choice(self.staff)
            else:
                author = rng.choices(self.public, self.pub_w)[0]
                if platform == "reddit" and rng.random() < 0.15:
                    author = f"throwaway_{rng.randint(1000, 99999)}"
            if platform == "reddit":
                extra = REDDIT_EXTRA["pos" if sent == "pos" else "neg" if sent in ("neg", "sar") else "neu"]
                text += " " + " ".join(rng.sample(extra, rng.randint(1, 2)))
            elif not official:
                if rng.random() < 0.12:
                    text += " " + rng.choice(SOCIAL_TAGS[sent])
                if rng.random() < 0.12 and text[-1:].isascii():
                    text += " " + rng.choice([e for e in EMO[sent] if e])
                if cat in ("wait", "spike", "complaint", "sarcasm", "praise") and rng.random() < 0.05:
                    text = text.upper()
        key = "news" if platform == "news" else "official" if official else cat
        likes, reposts, replies = engagement(rng, key, platform)
        rec = {
            "platform": platform,
            "created_at": stamp(rng, week, "news" if platform == "news" else "official" if official else ""),
            "author": author,
            "text": text,
            "lang": "en",
            "likes": likes,
            "reposts": reposts,
            "replies": replies,
            "synthetic": True,
        }
        trusts = [c for c in (code, code2) if c] or ["none"]
        self.posts.append((rec, {"week": week, "cat": cat, "trusts": trusts, "official": official}))


def social_cat(rng, week, code):
    w = {
        "praise": 22,
        "wait": 11,
        "complaint": 15,
        "mixed": 7,
        "question": 9,
        "sarcasm": 5,
        "staff": 8,
        "safeguarding": 1.5,
        "abuse": 2.5,
        "scam": 2.5,
        "announce": 6,
        "flu": 9 if 40 <= week <= 43 else 2 if 37 <= week <= 39 else 0.5,
        "announce_flu": 2 if 40 <= week <= 43 else 0,
        "strike": 10 if week == 41 else 3 if week in (40, 42) else 0.5,
        "announce_strike": 2 if week == 41 else 0,
    }
    if code == "RR8" and week >= 45:  # RR8 waiting-time spike
        w["wait"], w["sarcasm"], w["spike"] = 28, 8, 8
    return rng.choices(list(w), list(w.values()))[0]


def news_cat(rng, week, code):
    w = {
        "neutral": 40,
        "wait": 70 if code == "RR8" and week >= 45 else 15,
        "negative": 12,
        "flu": 10 if 39 <= week <= 43 else 2,
        "strike": 35 if week == 41 else 6 if week in (40, 42) else 1,
        "abuse": 5,
        "scam": 5,
    }
    return rng.choices(list(w), list(w.values()))[0]


def generate(rng):
    g, codes = Gen(rng), list(TRUST_W)
    for week in WEEKS:
        for _ in range(rng.randint(46, 56)):  # background traffic
            r, platform, code2 = rng.random(), rng.choices(PLATFORMS, PLATFORM_W)[0], None
            if r < 0.055:
                code = None
            elif r < 0.115:
                code, code2 = rng.choice(DUO_PAIRS)
            else:
                code = rng.choices(codes, list(TRUST_W.values()))[0]
            if platform == "news":
                cat = news_cat(rng, week, code) if code and not code2 else "neutral"
            else:
                cat = "none" if not code else "duo" if code2 else social_cat(rng, week, code)
            g.post(week, code, cat, platform, code2)
        # event traffic: flu campaign W40-43, industrial action W41, RR8 waiting-time spike W45-47
        extra = [(None, "flu")] * (8 if 40 <= week <= 43 else 0) + [(None, "strike")] * (
            22 if week == 41 else 0
        )
        extra += [("RR8", "spike")] * {45: 14, 46: 18, 47: 22}.get(week, 0)
        extra += [(c, "announce_flu") for c in codes if week == 40] + [
            (c, "announce_strike") for c in codes[:3] if week == 41
        ]
        for code, ev in extra:
            code = code or rng.choices(codes, [38, 30, 20, 12])[0]
            platform, r = rng.choices(PLATFORMS, PLATFORM_W)[0], rng.random()
            if ev.startswith("announce"):
                cat = ev
            elif ev == "spike":
                cat = (
                    "wait"
                    if platform == "news"
                    else rng.choices(["wait", "spike", "sarcasm", "question", "mixed"], [45, 25, 12, 10, 8])[
                        0
                    ]
                )
            else:
                cat = ev if platform == "news" or r >= 0.2 else f"announce_{ev}"
            g.post(week, code, cat, platform)
    return g.posts


def pct(counter, n):
    return ", ".join(f"{k} {v} ({v / n:.0%})" for k, v in sorted(counter.items()))


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    posts = generate(random.Random(2026))
    order = sorted(range(len(posts)), key=lambda i: (posts[i][0]["created_at"], i))
    lines, metas = [], []
    for n, i in enumerate(order, 1):
        rec, meta = posts[i]
        pid, pf = f"demo-{n:06d}", rec["platform"]
        rec = {
            "id": pid,
            "platform": pf,
            "created_at": rec["created_at"],
            "author": rec["author"],
            "text": rec["text"],
            "url": f"https://example.org/demo/{pf}/{pid}",
            **{k: rec[k] for k in ("lang", "likes", "reposts", "replies", "synthetic")},
        }
        assert len(rec["text"]) <= {"x": 280, "bluesky": 300, "mastodon": 500}.get(pf, 5000), rec
        lines.append(json.dumps(rec, ensure_ascii=False))
        metas.append(dict(meta, platform=pf))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")

    n, err = len(lines), sys.stderr  # ---- summary to stderr ----
    print(
        f"wrote {n} posts to {out} ({out.stat().st_size} bytes); {sum(map(len, T.values())) + sum(map(len, NEWS.values()))} templates",
        file=err,
    )
    print(
        "per trust (two-trust posts count for both): "
        + pct(Counter(t for m in metas for t in m["trusts"]), n),
        file=err,
    )
    print(
        f"two-trust posts: {sum(len(m['trusts']) == 2 for m in metas)}, trust-account posts: {sum(m['official'] for m in metas)}",
        file=err,
    )
    print("per platform: " + pct(Counter(m["platform"] for m in metas), n), file=err)
    print(
        "per category: " + ", ".join(f"{k} {v}" for k, v in Counter(m["cat"] for m in metas).most_common()),
        file=err,
    )
    print("week  total  RJ1  RR8  RX9  RKE none | RR8-wait flu strike", file=err)
    for w in WEEKS:
        ms = [m for m in metas if m["week"] == w]
        tc = Counter(t for m in ms for t in m["trusts"])
        ev = [
            sum(1 for m in ms if "RR8" in m["trusts"] and m["cat"] in ("wait", "spike", "sarcasm")),
            sum("flu" in m["cat"] for m in ms),
            sum("strike" in m["cat"] for m in ms),
        ]
        print(
            f"W{w} {len(ms):5d} "
            + " ".join(f"{tc[c]:4d}" for c in ("RJ1", "RR8", "RX9", "RKE", "none"))
            + " | {:8d} {:3d} {:6d}".format(*ev),
            file=err,
        )


if __name__ == "__main__":
    main()
