namespace ModelCost.Core.Specs.KerasCode;

/// <summary>
/// Splits Python source into logical statements the way the tokenizer does: a newline ends a statement
/// unless a bracket is open, a string is open or the line ends with a backslash; <c>;</c> separates
/// statements on one line; comments run to the end of the line. Offsets refer to the original text, so
/// errors can name the line and column the user pasted.
/// </summary>
internal static class PythonStatements
{
    /// <summary>[Start, End) of each non-blank statement, in order.</summary>
    public static IEnumerable<(int Start, int End)> Split(string text)
    {
        int depth = 0, start = 0, i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c is '"' or '\'')
            {
                i = SkipString(text, i);
                continue;
            }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth = Math.Max(0, depth - 1);
            else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\n' or '\r')
            {
                i += text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n' ? 3 : 2;
                continue;
            }
            else if ((c == '\n' && depth == 0) || (c == ';' && depth == 0))
            {
                if (!Blank(text, start, i)) yield return (start, i);
                start = i + 1;
            }
            i++;
        }
        if (!Blank(text, start, text.Length)) yield return (start, text.Length);
    }

    /// <summary>Index just after the string literal starting at <paramref name="i"/> (single, double or triple quoted).</summary>
    private static int SkipString(string text, int i)
    {
        char q = text[i];
        bool triple = i + 2 < text.Length && text[i + 1] == q && text[i + 2] == q;
        int j = i + (triple ? 3 : 1);
        while (j < text.Length)
        {
            if (text[j] == '\\') { j += 2; continue; }
            if (triple)
            {
                if (text[j] == q && j + 2 < text.Length && text[j + 1] == q && text[j + 2] == q) return j + 3;
            }
            else if (text[j] == q) return j + 1;
            else if (text[j] == '\n') return j; // an unclosed one-line string ends with its line
            j++;
        }
        return text.Length;
    }

    private static bool Blank(string text, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (text[i] == '#') return true; // only a comment remains
            if (!char.IsWhiteSpace(text[i])) return false;
        }
        return true;
    }
}
