using System.Text;

namespace AccountabilityDsl.Workspace;

/// <summary>
/// Writes what a host produces (generated C#, a matrix page) the same way whichever host writes
/// it: UTF-8 without a byte order mark, LF line breaks, and an unchanged file left alone (only its
/// time stamp moves on, so an incremental build sees it as newer than its inputs). The CLI's
/// <c>generate</c> and the MSBuild task therefore write byte-identical files.
/// </summary>
public static class OutputWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The exact bytes written for <paramref name="text"/>.</summary>
    public static byte[] Encode(string text) => Utf8NoBom.GetBytes(NormalizeNewlines(text));

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="fullPath"/>, creating its folder; returns
    /// false when the file already held exactly these bytes (then only its time stamp is touched).
    /// Throws <see cref="IOException"/> and <see cref="UnauthorizedAccessException"/> as the file
    /// system does; <see cref="WorkspaceMessages.CannotWrite"/> words them.
    /// </summary>
    public static bool WriteIfChanged(string fullPath, string text)
    {
        byte[] bytes = Encode(text);
        if (Directory.Exists(fullPath))
        {
            throw new IOException("it is a folder");
        }

        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        if (File.Exists(fullPath) && new FileInfo(fullPath).Length == bytes.Length && File.ReadAllBytes(fullPath).AsSpan().SequenceEqual(bytes))
        {
            File.SetLastWriteTimeUtc(fullPath, DateTime.UtcNow);
            return false;
        }

        File.WriteAllBytes(fullPath, bytes);
        return true;
    }

    private static string NormalizeNewlines(string text) =>
        text.IndexOf('\r') < 0 ? text : text.Replace("\r\n", "\n").Replace('\r', '\n');
}
