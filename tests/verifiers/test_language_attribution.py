"""Which words count for which language on real-looking reasoning: names, units, code,
script-sharing languages, Han next to kana."""

from __future__ import annotations

import pytest
from verireward.verifiers import Item
from verireward.verifiers.language import LanguageParams, LanguageVerifier

VERIFIER = LanguageVerifier()


def share(text: str, target: str) -> float:
    return VERIFIER.verify(Item(f"<think>{text}</think>", language=target), LanguageParams()).score


def counts(text: str, target: str) -> dict[str, int]:
    item = Item(f"<think>{text}</think>", language=target)
    return VERIFIER.verify(item, LanguageParams()).details["counts"]


@pytest.mark.parametrize(
    "text",
    [
        # names and currencies that a clause-level detector gave to es / id / pl (issue #18)
        "Micah, Dean, and Jake are all training for a marathon. Micah runs 2/3 as fast as Dean.",
        "Ahito bought 3 bags of rice. Each bag costs 12 pesos, so he paid 36 pesos in total.",
        "Nisha has 5 km to walk. She walks 3 km in the morning and 2 km after lunch, so 5 km.",
        "Tom. Mary. So Tom has 8 apples and Mary has 4 apples, which makes 12 apples.",
    ],
)
def test_names_units_and_short_runs_stay_english(text: str) -> None:
    assert share(text, "en") == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "We call numpy.linalg.solve(A, b) and then print(x_val) to check the solution.",
        "The helper def foo(): return 1 always returns one, so the test passes trivially.",
        "Set total = price * qty and keep it in a variable named total_cost for later use.",
        "The loop for i in range(n) visits every index, and self.cache stores the results.",
        "First, df.groupby('key').sum() aggregates the rows; then plt.show() draws the chart.",
    ],
)
def test_code_without_backticks_is_neutral(text: str) -> None:
    assert share(text, "en") == 1.0


def test_code_inside_chinese_reasoning_does_not_count_as_english() -> None:
    text = "我们调用 numpy.linalg.solve(A, b) 求解方程组，然后用 print(x_val) 输出结果。"
    assert share(text, "zh") == 1.0


def test_latin_names_in_other_scripts_inherit_the_sentence() -> None:
    assert share("У Чарли в три раза больше друзей на Facebook, чем у Дороти.", "ru") == 1.0
    assert share("比利销售 DVD。他在周二有 8 位顾客。Billy 在周二卖出了多少张 DVD？", "zh") == 1.0


def test_english_prose_inside_chinese_still_counts_as_english() -> None:
    text = "首先计算两个数的和。 Then we divide the total by two to get the average. 所以答案是五。"
    result = counts(text, "zh")
    assert result["en"] >= 8 and result["zh"] >= 10


CYRILLIC = {
    "ru": "Мы сложили два числа и получили сумму, которую затем разделили пополам.",
    "uk": "Ми додали два числа і отримали суму, яку потім поділили навпіл.",
    "bg": "Събрахме двете числа и получихме сума, която след това разделихме наполовина.",
    "sr": "Сабрали смо два броја и добили збир, који смо затим поделили на пола.",
    "kk": "Біз екі санды қостық және қосындыны алдық, содан кейін оны екіге бөлдік.",
}
ARABIC = {
    "ar": "جمعنا العددين وحصلنا على المجموع، ثم قسمناه على اثنين للحصول على الجواب.",
    "fa": "ما دو عدد را با هم جمع کردیم و سپس حاصل را بر دو تقسیم کردیم.",
    "ur": "ہم نے دونوں اعداد کو جمع کیا اور پھر حاصل کو دو سے تقسیم کر دیا۔",
}
DEVANAGARI = {
    "hi": "हमने दोनों संख्याओं को जोड़ा और फिर योग को दो से भाग दिया, इसलिए उत्तर पाँच है।",
    "mr": "आम्ही दोन्ही संख्यांची बेरीज केली आणि नंतर त्या बेरजेला दोनने भागले, म्हणून उत्तर पाच आहे.",
    "ne": "हामीले दुवै सङ्ख्याहरू जोड्यौं र त्यसपछि योगफललाई दुईले भाग गर्यौं, त्यसैले उत्तर पाँच हो।",
}


@pytest.mark.parametrize("group", [CYRILLIC, ARABIC, DEVANAGARI], ids=["cyrl", "arab", "deva"])
def test_script_sharing_languages_are_told_apart(group: dict[str, str]) -> None:
    for lang, text in group.items():
        assert share(text, lang) == 1.0, lang
        for other in group:
            if other != lang:
                assert share(text, other) == 0.0, (lang, other)


def test_han_counts_as_japanese_next_to_kana_whatever_the_target() -> None:
    text = "ジャネットのアヒルは1日に16個の卵を生みます。残りを市場で売ります。合計金額。"
    assert share(text, "ja") == 1.0
    assert share(text, "zh") == 0.0
    # a Chinese reasoning with one Japanese sentence keeps its Han for Chinese
    mixed = "我们先计算鸡蛋的总数。然后减去吃掉的数量。最后乘以价格。残りを市場で売ります。"
    assert counts(mixed, "zh") == {"zh": 25, "ja": 10}  # 残りを市場で売ります: 10


def test_chinese_sentence_inside_japanese_keeps_its_han_for_chinese() -> None:
    japanese = "ウォルトは月曜日に4マイル歩いた。火曜日は6倍歩いた。水曜日は休んだ。"
    text = japanese + "合計金額。艾伦的珠宝数量比雷蒙德少。"
    result = counts(text, "ja")
    # 合計金額 (no kana, no simplified form) goes with the Japanese; the sentence with 伦 not
    assert result["zh"] == len("艾伦的珠宝数量比雷蒙德少")
    assert result["ja"] == len(
        "ウォルトは月曜日にマイル歩いた火曜日は倍歩いた水曜日は休んだ合計金額"
    )


def test_japanese_prompt_detected_as_japanese() -> None:
    item = Item("<think>卵を数えます。</think>", prompt="ジャネットのアヒルは卵を生みます。")
    verdict = VERIFIER.verify(item, LanguageParams(target="prompt"))
    assert verdict.details["target"] == "ja" and verdict.score == 1.0


def test_serbian_in_latin_letters_counts_for_serbian() -> None:
    # lingua's Serbian is Cyrillic; Latin Serbian reads as Croatian/Bosnian to it
    text = (
        "Pregovarački timovi Beograda i Prištine postigli su u Briselu dogovore o slobodi kretanja."
    )
    assert share(text, "sr") == 1.0
    assert share(text, "en") == 0.0
