"""The one reply in languages newsbot cannot answer in: which languages it understands (written for this project)."""

UNSUPPORTED = {
    "de": "Ich verstehe Fragen auf Englisch, Russisch und Ukrainisch.",
    "fr": "Je comprends les questions en anglais, en russe et en ukrainien.",
    "es": "Entiendo preguntas en inglés, ruso y ucraniano.",
    "it": "Capisco domande in inglese, russo e ucraino.",
    "pt": "Entendo perguntas em inglês, russo e ucraniano.",
    "pl": "Rozumiem pytania po angielsku, rosyjsku i ukraińsku.",
    "cs": "Rozumím otázkám v angličtině, ruštině a ukrajinštině.",
    "nl": "Ik begrijp vragen in het Engels, Russisch en Oekraïens.",
    "tr": "İngilizce, Rusça ve Ukraynaca soruları anlıyorum.",
    "bg": "Разбирам въпроси на английски, руски и украински.",
    "be": "Я разумею пытанні па-англійску, па-руску і па-ўкраінску.",
    "sr": "Разумем питања на енглеском, руском и украјинском.",
    "kk": "Мен ағылшын, орыс және украин тілдеріндегі сұрақтарды түсінемін.",
}
