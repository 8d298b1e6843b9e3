using System.Text;
using System.Text.RegularExpressions;
using AccountabilityDsl.Syntax.Grammar;
using Antlr4.Runtime;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// Names with letters outside ASCII are one NON_ASCII_IDENTIFIER token: it starts with a letter
/// (\p{L}) or '_' and goes on with letters, numbers (\p{N}) or '_'. The lexer tells those
/// characters apart in code rather than with Unicode classes (start-up: OwnerLexer.g4), so every
/// character of the Basic Multilingual Plane is checked here against .NET's own \p{L} and \p{N}.
/// </summary>
public class NonAsciiNameLexingTests
{
    private static readonly Regex Letter = new(@"^\p{L}$");
    private static readonly Regex LetterOrNumber = new(@"^[\p{L}\p{N}]$");

    [Fact]
    public void Every_non_ascii_character_continues_a_name_exactly_when_it_is_a_letter_or_a_number()
    {
        List<char> characters = NonAsciiBmpCharacters();
        // One line per character: "a" and the character. A letter or number makes one name token.
        string text = string.Join("\n", characters.Select(c => "a" + c));

        HashSet<string> names = [.. Tokens(text).Where(t => t.Type == OwnerLexer.NON_ASCII_IDENTIFIER).Select(t => t.Text)];

        string[] expected = [.. characters.Where(c => LetterOrNumber.IsMatch(c.ToString())).Select(c => "a" + c)];
        expected.Length.ShouldBeGreaterThan(40_000, "the BMP has tens of thousands of letters");
        names.Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_non_ascii_character_starts_a_name_exactly_when_it_is_a_letter()
    {
        List<char> characters = NonAsciiBmpCharacters();
        string text = string.Join("\n", characters.Select(c => c + "_1"));

        HashSet<string> names = [.. Tokens(text).Where(t => t.Type == OwnerLexer.NON_ASCII_IDENTIFIER).Select(t => t.Text)];

        string[] expected = [.. characters.Where(c => Letter.IsMatch(c.ToString())).Select(c => c + "_1")];
        names.Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Señor", "Señor")]
    [InlineData("Größe2 x", "Größe2")]
    [InlineData("_Ωmega", "_Ωmega")]
    [InlineData("名前 ", "名前")]
    public void A_name_with_letters_outside_ascii_is_one_token(string text, string name)
    {
        IToken first = Tokens(text)[0];
        first.Type.ShouldBe(OwnerLexer.NON_ASCII_IDENTIFIER);
        first.Text.ShouldBe(name);
    }

    [Theory]
    [InlineData("€uro")]
    [InlineData("٣abc")] // an Arabic-Indic digit: a number, not a letter, cannot start a name
    public void A_name_cannot_start_with_a_non_letter(string text) =>
        Tokens(text)[0].Type.ShouldNotBe(OwnerLexer.NON_ASCII_IDENTIFIER);

    private static List<char> NonAsciiBmpCharacters() =>
        [.. Enumerable.Range(0x80, 0x10000 - 0x80).Where(c => c is < 0xD800 or > 0xDFFF).Select(c => (char)c)
            .Where(c => !char.IsWhiteSpace(c) && c != '\u2028' && c != '\u2029')];

    private static IList<IToken> Tokens(string text)
    {
        var lexer = new OwnerLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        return lexer.GetAllTokens();
    }
}
