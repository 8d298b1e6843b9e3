using System.Globalization;

namespace AccountabilityDsl.Syntax.Grammar;

internal partial class OwnerLexer
{
    /// <summary>
    /// Whether the character the lexer just matched (outside ASCII) is a letter (\p{L}), or with
    /// <paramref name="digits"/> a letter or a number (\p{N}): the predicates of the grammar's
    /// NAME_START and NAME_PART, in place of Unicode classes (see OwnerLexer.g4).
    /// </summary>
    private bool IsNonAsciiLetter(bool digits)
    {
        int codePoint = InputStream.LA(-1);
        if (codePoint is < 0 or > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        {
            return false; // a lone surrogate is no letter (and no code point to classify)
        }

        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertFromUtf32(codePoint), 0);
        return category switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => digits,
            _ => false,
        };
    }
}
