using System.Text;

namespace AccountabilityDsl.Text;

/// <summary>
/// The text of one <c>.owner</c> file with its path and line map. Line breaks are CRLF, LF or a
/// lone CR, so that line and column numbers match what editors show for any of them. Columns
/// count UTF-16 code units, 1-based.
/// </summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string path, string text, TextSpan? invalidUtf8At, bool hasByteOrderMark = false)
    {
        HasByteOrderMark = hasByteOrderMark;
        FilePath = path;
        Text = text;
        InvalidEncodingSpan = invalidUtf8At;
        _lineStarts = ComputeLineStarts(text);
    }

    public string FilePath { get; }

    public string Text { get; }

    public int Length => Text.Length;

    /// <summary>Whether the bytes began with a UTF-8 byte order mark (the formatter keeps it).</summary>
    public bool HasByteOrderMark { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>Where the first byte sequence that is not valid UTF-8 was, when decoding found one.</summary>
    public TextSpan? InvalidEncodingSpan { get; }

    /// <summary>
    /// True for a file that is not text at all (an image, an archive, a compiled file saved as
    /// <c>.owner</c>): it is not valid UTF-8 <em>and</em> holds a NUL in its first
    /// <see cref="BinaryProbeLength"/> characters, git's test for binary content. Both are asked
    /// for so that a policy with one stray NUL or one Latin-1 byte is still parsed and gets its
    /// problems at their lines; a binary file gets one error instead of a screenful.
    /// </summary>
    public bool IsBinary =>
        InvalidEncodingSpan is not null && Text.AsSpan(0, Math.Min(Text.Length, BinaryProbeLength)).IndexOf('\0') >= 0;

    private const int BinaryProbeLength = 8000;

    public static SourceText From(string text, string path = "<memory>") => new(path, text, null);

    /// <summary>
    /// Decodes UTF-8 (with or without a byte order mark). Invalid byte sequences never fail the
    /// read: they become U+FFFD and the first one is remembered so the parser can report it.
    /// </summary>
    public static SourceText FromBytes(ReadOnlySpan<byte> bytes, string path)
    {
        bool bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        if (bom)
        {
            bytes = bytes[3..];
        }

        try
        {
            return new SourceText(path, StrictUtf8.GetString(bytes), null, bom);
        }
        catch (DecoderFallbackException)
        {
            string lenient = Encoding.UTF8.GetString(bytes);
            int firstBad = lenient.IndexOf('\uFFFD');
            TextSpan? at = firstBad >= 0 ? new TextSpan(firstBad, 1) : new TextSpan(0, 0);
            return new SourceText(path, lenient, at, bom);
        }
    }

    public static SourceText FromFile(string path) => FromBytes(File.ReadAllBytes(path), path);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public LinePosition GetLinePosition(int position)
    {
        position = Math.Clamp(position, 0, Text.Length);
        int line = Array.BinarySearch(_lineStarts, position);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new LinePosition(line + 1, position - _lineStarts[line] + 1);
    }

    public LinePositionSpan GetLinePositionSpan(TextSpan span) =>
        new(GetLinePosition(span.Start), GetLinePosition(span.End));

    /// <summary>The text of a 1-based line, without its line break.</summary>
    public string GetLineText(int line)
    {
        int index = Math.Clamp(line, 1, _lineStarts.Length) - 1;
        int start = _lineStarts[index];
        int end = index + 1 < _lineStarts.Length ? _lineStarts[index + 1] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r'))
        {
            end--;
        }

        return Text[start..end];
    }

    public int GetLineStart(int line) => _lineStarts[Math.Clamp(line, 1, _lineStarts.Length) - 1];

    public string ToString(TextSpan span) => Text.Substring(span.Start, Math.Min(span.Length, Text.Length - span.Start));

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int>(capacity: Math.Max(16, text.Length / 40)) { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }
}
