using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace System;

/// <summary>
/// The .NET Core / .NET 5–7 members of the BCL that the compiler and the MSBuild task call and
/// that netstandard2.0 lacks, as C# 14 extension members, so that the calls read the same in both
/// builds and net10.0 keeps calling the real (faster) members. Compiled for netstandard2.0 only
/// (the .NET Framework MSBuild task); linked into AccountabilityDsl.Build too.
/// Only the overloads used are here, with the real members' semantics.
/// </summary>
internal static class BclPolyfills
{
    extension(string)
    {
        public static string Join(char separator, IEnumerable<string?> values) => string.Join(separator.ToString(), values);

        public static string Join<T>(char separator, IEnumerable<T> values) => string.Join(separator.ToString(), values);

        public static string Join(char separator, params string?[] values) => string.Join(separator.ToString(), values);
    }

    extension(string text)
    {
        public bool StartsWith(char value) => text.Length > 0 && text[0] == value;

        public bool Contains(char value, StringComparison comparison) => text.IndexOf(value.ToString(), comparison) >= 0;

        public string Replace(string oldValue, string newValue, StringComparison comparison) => comparison == StringComparison.Ordinal
            ? text.Replace(oldValue, newValue)
            : throw new NotSupportedException("Only ordinal replacement is polyfilled for netstandard2.0.");

        /// <summary>CR LF, CR, LF, NEL, LS, FF and PS, as .NET 6's <c>ReplaceLineEndings</c>.</summary>
        public string ReplaceLineEndings(string replacementText) =>
            Text.RegularExpressions.Regex.Replace(text, "\r\n|[\r\n\f\u0085\u2028\u2029]", replacementText.Replace("$", "$$"));

        /// <summary>With .NET 5's <c>TrimEntries</c>: trimmed first, then empty entries removed.</summary>
        public string[] Split(char separator, StringSplitOptions options)
        {
            string[] parts = text.Split([separator], options & ~StringSplitOptionsPolyfill.TrimEntries);
            if ((options & StringSplitOptionsPolyfill.TrimEntries) == 0)
            {
                return parts;
            }

            IEnumerable<string> trimmed = parts.Select(p => p.Trim());
            return (options & StringSplitOptions.RemoveEmptyEntries) != 0 ? [.. trimmed.Where(p => p.Length > 0)] : [.. trimmed];
        }
    }

    // No Split(char[], StringSplitOptions) here: netstandard2.0 has that method, an instance method
    // always wins over an extension, and .NET Framework's throws on TrimEntries ("Illegal enum
    // value: 3"). TrimEntries works with the char overload above only.
    extension(StringSplitOptions)
    {
        public static StringSplitOptions TrimEntries => StringSplitOptionsPolyfill.TrimEntries;
    }

    extension(ArgumentNullException)
    {
        public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null)
            {
                throw new ArgumentNullException(paramName);
            }
        }
    }

    extension(Math)
    {
        public static int Clamp(int value, int min, int max) =>
            min > max ? throw new ArgumentException($"'{min}' cannot be greater than {max}.") : value < min ? min : value > max ? max : value;
    }

    extension(Convert)
    {
        public static string ToHexString(byte[] bytes, int offset, int length)
        {
            var hex = new StringBuilder(length * 2);
            for (int i = offset; i < offset + length; i++)
            {
                hex.Append(bytes[i].ToString("X2", Globalization.CultureInfo.InvariantCulture));
            }

            return hex.ToString();
        }
    }

    extension(SHA256)
    {
        public static byte[] HashData(byte[] source)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(source);
        }
    }

    extension(OperatingSystem)
    {
        public static bool IsWindows() => Path.DirectorySeparatorChar == '\\';

        public static bool IsLinux() => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux);

        public static bool IsMacOS() => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX);
    }

    extension(Path)
    {
        /// <summary>.NET Core 2.1's <c>GetFullPath(path, basePath)</c>: a relative path is taken from <paramref name="basePath"/>.</summary>
        public static string GetFullPath(string path, string basePath) =>
            Path.IsPathRooted(path) ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(basePath, path));

        /// <summary>.NET Core 3.0's <c>Join</c>: concatenates with one separator, never discarding a rooted second part.</summary>
        public static string Join(string first, string second) =>
            first.Length == 0 ? second
            : second.Length == 0 ? first
            : first[first.Length - 1] is '/' or '\\' || second[0] is '/' or '\\' ? first + second
            : first + Path.DirectorySeparatorChar + second;

        /// <summary>The path of <paramref name="path"/> from the directory <paramref name="relativeTo"/>, as .NET Core 2.0's.</summary>
        public static string GetRelativePath(string relativeTo, string path)
        {
            StringComparison comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            char[] separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
            string[] from = Path.GetFullPath(relativeTo).Split(separators, StringSplitOptions.RemoveEmptyEntries);
            string[] to = Path.GetFullPath(path).Split(separators, StringSplitOptions.RemoveEmptyEntries);
            int common = 0;
            while (common < from.Length && common < to.Length && string.Equals(from[common], to[common], comparison))
            {
                common++;
            }

            if (common == 0 && Path.GetPathRoot(relativeTo) is { Length: > 0 } root && root != Path.DirectorySeparatorChar.ToString())
            {
                return Path.GetFullPath(path);
            }

            string[] steps = [.. Enumerable.Repeat("..", from.Length - common), .. to.Skip(common)];
            return steps.Length == 0 ? "." : string.Join(Path.DirectorySeparatorChar.ToString(), steps);
        }
    }

    extension(Encoding encoding)
    {
        public unsafe int GetByteCount(ReadOnlySpan<char> chars)
        {
            fixed (char* start = chars)
            {
                return chars.IsEmpty ? 0 : encoding.GetByteCount(start, chars.Length);
            }
        }

        public unsafe string GetString(ReadOnlySpan<byte> bytes)
        {
            fixed (byte* start = bytes)
            {
                return bytes.IsEmpty ? "" : encoding.GetString(start, bytes.Length);
            }
        }
    }

    extension<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> dictionary)
    {
        public TValue? GetValueOrDefault(TKey key) => dictionary.TryGetValue(key, out TValue? value) ? value : default;

        public TValue GetValueOrDefault(TKey key, TValue defaultValue) => dictionary.TryGetValue(key, out TValue? value) ? value : defaultValue;
    }

    extension<TKey, TValue>(Dictionary<TKey, TValue> dictionary)
        where TKey : notnull
    {
        public bool TryAdd(TKey key, TValue value)
        {
            if (dictionary.ContainsKey(key))
            {
                return false;
            }

            dictionary.Add(key, value);
            return true;
        }
    }

    extension<TKey, TValue>(KeyValuePair<TKey, TValue> pair)
    {
        public void Deconstruct(out TKey key, out TValue value)
        {
            key = pair.Key;
            value = pair.Value;
        }
    }

    extension<T>(IEnumerable<T> source)
    {
        public IOrderedEnumerable<T> Order() => source.OrderBy(item => item);

        public T FirstOrDefault(Func<T, bool> predicate, T defaultValue)
        {
            foreach (T item in source)
            {
                if (predicate(item))
                {
                    return item;
                }
            }

            return defaultValue;
        }
    }
}

/// <summary>.NET 5's <c>StringSplitOptions.TrimEntries</c> value, which netstandard2.0's enum does not name.</summary>
internal static class StringSplitOptionsPolyfill
{
    public const StringSplitOptions TrimEntries = (StringSplitOptions)2;
}
