"""Gender agreement of surnames and patronymic formation, per national naming custom."""

# Irregular Russian-style patronymics: father's name -> (male, female).
IRREGULAR = {
    "ru": {"Илья": ("Ильич", "Ильинична"), "Никита": ("Никитич", "Никитична"),
           "Лука": ("Лукич", "Лукинична"), "Кузьма": ("Кузьмич", "Кузьминична"),
           "Фома": ("Фомич", "Фоминична"), "Данила": ("Данилович", "Даниловна"),
           "Лев": ("Львович", "Львовна"), "Пётр": ("Петрович", "Петровна"),
           "Павел": ("Павлович", "Павловна"), "Дмитрий": ("Дмитриевич", "Дмитриевна"),
           "Георгий": ("Георгиевич", "Георгиевна"), "Яков": ("Яковлевич", "Яковлевна"),
           "Эмиль": ("Эмильевич", "Эмильевна")},
    "uk": {"Григорій": ("Григорович", "Григорівна"), "Микола": ("Миколайович", "Миколаївна"),
           "Ілля": ("Ілліч", "Іллівна"), "Федір": ("Федорович", "Федорівна"),
           "Лев": ("Львович", "Львівна")},
    "be": {"Міхаіл": ("Міхайлавіч", "Міхайлаўна"), "Павел": ("Паўлавіч", "Паўлаўна"),
           "Пётр": ("Пятровіч", "Пятроўна"), "Юрый": ("Юр’евіч", "Юр’еўна"),
           "Францішак": ("Францішкавіч", "Францішкаўна")},
}


def feminine_surname(surname, lang):
    """Female form of a (male-form) surname; invariable surnames come back unchanged."""
    if lang == "uk":
        for m, f in (("ський", "ська"), ("цький", "цька"), ("ий", "а")):
            if surname.endswith(m):
                return surname[: -len(m)] + f
        return surname  # -енко, -ук, -ів, -ишин, ... do not change
    if lang == "be":
        for m, f in (("оў", "ова"), ("аў", "ава"), ("еў", "ева"), ("ёў", "ёва"),
                     ("скі", "ская"), ("цкі", "цкая"), ("ін", "іна"), ("ын", "ына")):
            if surname.endswith(m):
                return surname[: -len(m)] + f
        return surname  # -іч, -ка, -а do not change
    for m, f in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая")):
        if surname.endswith(m) and len(surname) > 4:
            return surname[: -len(m)] + f
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # -их, -ко, -ук, -зода, -ӣ, Цой, Ким ...


def russian_style(father, female, lang):
    """-ович/-овна type patronymic (Russian custom, also usual in Central Asia)."""
    if father in IRREGULAR.get(lang, {}):
        return IRREGULAR[lang][father][female]
    if lang == "uk":
        if father.endswith("ій"):
            return father[:-1] + ("ївна" if female else "йович")
        if father.endswith("ь"):
            return father[:-1] + "івна" if female else father + "ович"
        stem = father[:-1] if father.endswith("о") else father
        return stem + ("івна" if female else "ович")
    if lang == "be":
        if father.endswith("ў"):
            father = father[:-1] + "в"
        if father.endswith(("й", "ь")):
            return father[:-1] + ("еўна" if female else "евіч")
        return father + ("аўна" if female else "авіч")
    if lang == "ru" and father.endswith("ий"):
        return father[:-2] + ("ьевна" if female else "ьевич")
    if father.endswith(("й", "ь")):
        father = father[:-1]  # Сергей -> Сергеевич, Игорь -> Игоревич, Сооронбай -> ...баевич
    elif father.endswith("ӣ"):
        father = father[:-1] + "и"  # Эмомалӣ -> Эмомалиевич
    elif father[-1] not in "аоуэиыеёюяӯ" and father[-1] not in "жшчщц":
        return father + ("овна" if female else "ович")
    return father + ("евна" if female else "евич")


def own_style(father, female, lang):
    """The language's own patronymic form, or None where Russian style is the custom."""
    if lang == "uz":
        return f"{father} {'қизи' if female else 'ўғли'}"
    if lang == "ky":
        return f"{father} {'кызы' if female else 'уулу'}"
    if lang == "kk":
        return father + ("қызы" if female else "ұлы")
    if lang == "tg":
        stem = father[:-1] + "и" if father.endswith("ӣ") else father
        return stem + "зода"
    return None


# Share of identities whose patronymic follows the language's own custom.
OWN_STYLE_SHARE = {"uz": 0.6, "ky": 0.5, "kk": 0.6, "tg": 0.25}


def patronymic(father, female, lang, rng):
    if rng.random() < OWN_STYLE_SHARE.get(lang, 0.0):
        return own_style(father, female, lang)
    return russian_style(father, female, lang)


def levenshtein(a, b):
    """Edit distance of two strings, for choosing near-miss names."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
