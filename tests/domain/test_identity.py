"""Personnummer and samordningsnummer (issue 3: validated, stored normalised as 12 digits).

No database: pure functions, the date always passed in.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from domain.deadlines import add_months
from domain.identity import (
    MAX_AGE_YEARS,
    IdentityErrorCode,
    InvalidIdentityNumber,
    age_on,
    birth_date_of,
    format_identity_number,
    is_coordination_number,
    mask_identity_number,
    normalise_identity_number,
)

TODAY = date(2025, 6, 1)


def make_number(birth: date, serial: str, *, coordination: bool = False) -> str:
    """A valid 12-digit number for ``birth`` and a three-digit ``serial``."""
    day = birth.day + 60 if coordination else birth.day
    first_nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial}"
    return f"{birth.year // 100:02d}{first_nine}{luhn.calc_check_digit(first_nine)}"


def with_check_digit(first_eleven: str) -> str:
    """Twelve digits whose last digit is the Luhn check digit of digits 3–11 (date or not)."""
    return first_eleven + luhn.calc_check_digit(first_eleven[2:])


def refusal(raw: str, *, today: date = TODAY) -> IdentityErrorCode:
    with pytest.raises(InvalidIdentityNumber) as excinfo:
        normalise_identity_number(raw, today=today)
    return excinfo.value.code


# --- normalisation: explicit examples ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "880320-0016",
        "8803200016",
        "19880320-0016",
        "198803200016",
        "  880320-0016 ",
        "\t19880320-0016\n",
        "19880320+0016",  # a "+" in the 12-digit form is accepted and ignored
    ],
)
def test_every_accepted_form_normalises_to_twelve_digits(raw):
    assert normalise_identity_number(raw, today=TODAY) == "198803200016"


def test_a_dash_number_whose_birthday_is_later_this_year_belongs_to_the_previous_century():
    raw = make_number(date(1925, 7, 1), "123")  # turns 100 a month after TODAY
    assert normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=TODAY) == raw


def test_a_dash_number_born_earlier_this_year_is_a_baby():
    raw = make_number(date(2025, 5, 1), "123")
    assert normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=TODAY) == raw


def test_a_dash_number_born_today_is_accepted():
    raw = make_number(TODAY, "123")
    assert normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=TODAY) == raw


def test_a_plus_number_applies_from_the_calendar_year_of_the_hundredth_birthday():
    """Folkbokföringslagen 18 §: the "+" is used from the year the person turns 100, so a
    "+" number whose birthday is later this year is 99 today, not 199."""
    raw = make_number(date(1925, 7, 1), "123")
    assert normalise_identity_number(f"{raw[2:8]}+{raw[8:]}", today=TODAY) == raw


def test_a_plus_number_of_someone_over_a_hundred_is_a_century_before_the_dash_reading():
    raw = make_number(date(1924, 3, 5), "456")
    assert normalise_identity_number(f"{raw[2:8]}+{raw[8:]}", today=TODAY) == raw
    dash_reading = normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=TODAY)
    assert dash_reading == "20" + raw[2:]


def test_a_leap_day_in_a_dash_number_takes_the_century_where_the_day_exists():
    """29 February 2100 does not exist; on 1 March 2100 "000229-" is 29 February 2000."""
    raw = make_number(date(2000, 2, 29), "321")
    assert normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=date(2100, 3, 1)) == raw


def test_a_coordination_number_is_normalised_with_its_day_kept_plus_sixty():
    raw = make_number(date(1988, 3, 20), "001", coordination=True)
    assert raw[6:8] == "80"
    assert normalise_identity_number(f"{raw[2:8]}-{raw[8:]}", today=TODAY) == raw


# --- refusals, with the code the UI turns into a Swedish message ------------------------------


def test_a_wrong_check_digit_is_refused_as_a_checksum_error():
    assert refusal("880320-0018") == IdentityErrorCode.CHECKSUM
    assert refusal("198803200017") == IdentityErrorCode.CHECKSUM


@pytest.mark.parametrize(
    "first_eleven",
    [
        pytest.param("20230230123", id="30 February"),
        pytest.param("20230229123", id="29 February in a common year"),
        pytest.param("20231301123", id="month 13"),
        pytest.param("20230001123", id="month 0"),
        pytest.param("20230100123", id="day 0"),
        pytest.param("20230431123", id="31 April"),
        pytest.param("20230132123", id="day 32"),
        pytest.param("20230160123", id="coordination day 60 (day 0)"),
        pytest.param("20230192123", id="coordination day 92 (day 32)"),
        pytest.param("20230289123", id="coordination day 89 (29 February, common year)"),
    ],
)
def test_an_impossible_date_is_refused_as_a_date_error_even_with_a_right_check_digit(
    first_eleven,
):
    number = with_check_digit(first_eleven)
    assert refusal(number) == IdentityErrorCode.DATE
    assert refusal(f"{number[2:8]}-{number[8:]}") == IdentityErrorCode.DATE


@pytest.mark.parametrize("day_field", ["61", "88", "91"])
def test_a_coordination_day_from_61_to_91_is_a_possible_date(day_field):
    number = with_check_digit(f"202301{day_field}123")
    assert normalise_identity_number(number, today=TODAY) == number


def test_thirty_february_is_refused_as_a_date_error():
    assert refusal(with_check_digit("20230230123")) == IdentityErrorCode.DATE


def test_a_birth_date_after_today_is_refused_as_a_date_error():
    assert refusal(make_number(date(2025, 6, 2), "123")) == IdentityErrorCode.DATE


def test_a_birth_date_more_than_the_maximum_age_back_is_refused_as_a_date_error():
    oldest = date(TODAY.year - MAX_AGE_YEARS, TODAY.month, TODAY.day)
    assert normalise_identity_number(make_number(oldest, "123"), today=TODAY)
    assert refusal(make_number(date(oldest.year, 5, 31), "123")) == IdentityErrorCode.DATE


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "",
        "   ",
        "880320001",  # 9 digits
        "88032000166",  # 11 digits
        "1988032000160",  # 13 digits
        "880320--0016",
        "8803-200016",  # separator in the wrong place
        "880320 0016",
        "880320/0016",
        "19880320-001",
        "880320-001a",
        "８８０３２０-００１６",  # full-width digits
        "١٩٨٨٠٣٢٠٠٠١٦",  # Arabic-Indic digits
        "880320-0016\n880320-0016",
    ],
)
def test_a_wrong_format_is_refused_as_a_format_error(raw):
    assert refusal(raw) == IdentityErrorCode.FORMAT


def test_the_error_code_is_kept_on_the_exception_and_is_a_value_error():
    error = InvalidIdentityNumber("checksum")
    assert isinstance(error, ValueError)
    assert error.code is IdentityErrorCode.CHECKSUM
    assert error.code == "checksum"


def test_an_unknown_error_code_cannot_be_raised():
    with pytest.raises(ValueError):
        InvalidIdentityNumber("typo")


# --- the normalised number ---------------------------------------------------------------------


def test_a_personnummer_is_not_a_coordination_number():
    assert not is_coordination_number("198803200016")


def test_a_number_with_day_plus_sixty_is_a_coordination_number():
    assert is_coordination_number(make_number(date(1988, 3, 1), "001", coordination=True))


def test_the_birth_date_of_a_coordination_number_is_its_day_minus_sixty():
    number = make_number(date(2010, 12, 31), "001", coordination=True)
    assert birth_date_of(number) == date(2010, 12, 31)


def test_the_birth_date_of_a_personnummer_is_its_first_eight_digits():
    assert birth_date_of("198803200016") == date(1988, 3, 20)


def test_a_number_is_formatted_with_a_dash_before_the_last_four_digits():
    assert format_identity_number("198803200016") == "19880320-0016"


def test_a_masked_number_hides_the_last_four_digits():
    assert mask_identity_number("198803200016") == "19880320-XXXX"


@pytest.mark.parametrize(
    "function",
    [is_coordination_number, birth_date_of, format_identity_number, mask_identity_number],
)
@pytest.mark.parametrize("not_normalised", ["880320-0016", "19880320-0016", "8803200016", ""])
def test_helpers_refuse_a_number_that_is_not_normalised(function, not_normalised):
    with pytest.raises(ValueError):
        function(not_normalised)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2007, 6, 15), date(2025, 6, 14), 17),
        (date(2007, 6, 15), date(2025, 6, 15), 18),
        (date(2007, 6, 15), date(2007, 6, 15), 0),
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),  # Lag (1930:173) 2 §: last day of February
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_counts_whole_years_from_the_birth_date(birth, on, age):
    assert age_on(birth, on=on) == age


def test_age_is_read_from_a_normalised_number_too():
    number = make_number(date(2007, 6, 15), "123", coordination=True)
    assert age_on(number, on=date(2025, 6, 14)) == 17
    assert age_on(number, on=date(2025, 6, 15)) == 18


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError):
        age_on(date(2025, 6, 2), on=TODAY)


# --- properties --------------------------------------------------------------------------------

births = st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31))
serials = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def valid_numbers(draw):
    """A valid number, the day it is typed (after the birth, within MAX_AGE_YEARS) and the
    10-digit separator its owner has that day (Folkbokföringslagen 18 §)."""
    birth = draw(births)
    number = make_number(birth, draw(serials), coordination=draw(st.booleans()))
    today = draw(st.dates(min_value=max(birth, date(2025, 1, 1)), max_value=date(2049, 12, 31)))
    separator = "+" if today.year - birth.year >= 100 else "-"
    return number, today, separator


@given(valid_numbers())
def test_every_valid_number_round_trips_from_every_accepted_form(case):
    number, today, separator = case
    forms = [
        number,
        f"{number[:8]}-{number[8:]}",
        f"{number[:8]}+{number[8:]}",
        f"{number[2:8]}{separator}{number[8:]}",
        f" {number[2:8]}{separator}{number[8:]} ",
    ]
    if separator == "-":
        forms.append(number[2:])
    for raw in forms:
        assert normalise_identity_number(raw, today=today) == number, raw


@given(valid_numbers())
def test_normalisation_is_idempotent_and_keeps_the_birth_date(case):
    number, today, _ = case
    normalised = normalise_identity_number(number, today=today)
    assert normalise_identity_number(normalised, today=today) == normalised
    assert birth_date_of(normalised) <= today


@given(valid_numbers(), st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_changing_any_one_of_the_ten_digits_is_refused(case, position, shift):
    """The Luhn check digit catches every single-digit change in the ten digits YYMMDDNNNC, so
    the change is refused as a date error (when the date no longer exists) or a checksum error,
    in the 10-digit and the 12-digit form alike."""
    number, today, separator = case
    ten = number[2:]
    new_digit = str((int(ten[position]) + shift) % 10)
    changed = ten[:position] + new_digit + ten[position + 1 :]
    assert luhn.checksum(changed) != 0
    with pytest.raises(InvalidIdentityNumber) as ten_digit:
        normalise_identity_number(f"{changed[:6]}{separator}{changed[6:]}", today=today)
    with pytest.raises(InvalidIdentityNumber) as twelve_digit:
        normalise_identity_number(number[:2] + changed, today=today)
    assert ten_digit.value.code in {IdentityErrorCode.DATE, IdentityErrorCode.CHECKSUM}
    assert twelve_digit.value.code in {IdentityErrorCode.DATE, IdentityErrorCode.CHECKSUM}


@given(valid_numbers(), st.integers(min_value=0, max_value=1), st.integers(1, 9))
def test_changing_a_century_digit_is_refused_unless_it_gives_another_possible_birth_date(
    case, position, shift
):
    """The century digits are outside the Luhn check: a change is caught only when the birth
    date moves after today or more than MAX_AGE_YEARS back. 19 ↔ 20 can give another person's
    valid number (the same ten digits with the other separator) and is accepted."""
    number, today, _ = case
    new_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + new_digit + number[position + 1 :]
    year = int(changed[:4])
    birth = birth_date_of(number)
    try:
        new_birth = birth.replace(year=year)
    except ValueError:  # 29 February in a common year, or year 0
        new_birth = None
    oldest = add_months(today, -12 * MAX_AGE_YEARS)
    if new_birth is not None and oldest <= new_birth <= today:
        assert normalise_identity_number(changed, today=today) == changed
    else:
        assert refusal(changed, today=today) == IdentityErrorCode.DATE


@given(valid_numbers())
def test_the_formatted_form_shows_all_digits_and_the_masked_form_hides_the_serial(case):
    number, _, _ = case
    assert format_identity_number(number) == f"{number[:8]}-{number[8:]}"
    assert mask_identity_number(number) == f"{number[:8]}-XXXX"
