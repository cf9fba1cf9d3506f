// Function-call harness for Java, appended to the candidate's source (Main.java) by the sandbox:
// a small JSON reader and writer and a `Main` that reads the call's arguments as a JSON array on
// stdin, finds the method by name on class VERIREWARD_CLASS (LeetCode's `Solution`, made on a
// fresh object unless the method is static), converts each argument to the parameter's declared
// type (primitives and their boxes, String, char, arrays, List/ArrayList/LinkedList, Map with
// string keys, generics read from the signature), calls it and writes the JSON of the result
// to /proc/self/fd/3, the runner's value channel (the candidate's prints go to stdout and are
// ignored). Exit 3: arguments that do not fit.
public class Main {
    static String text;
    static int at;

    static void fail(String message) {
        System.err.println("verireward call harness: " + message);
        System.exit(3);
    }

    public static void main(String[] ignored) throws Throwable {
        text = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Object parsed = value();
        skip();
        if (!(parsed instanceof java.util.List) || at != text.length()) fail("the arguments are not a JSON list");
        java.util.List<?> given = (java.util.List<?>) parsed;
        java.lang.reflect.Method target = null;
        for (java.lang.reflect.Method m : VERIREWARD_CLASS.class.getDeclaredMethods()) {
            if (m.getName().equals("VERIREWARD_METHOD") && m.getParameterCount() == given.size()) {
                if (target != null) fail("VERIREWARD_METHOD is overloaded");
                target = m;
            }
        }
        if (target == null) fail("no method VERIREWARD_METHOD taking " + given.size() + " arguments");
        target.setAccessible(true);
        java.lang.reflect.Type[] kinds = target.getGenericParameterTypes();
        Object[] args = new Object[kinds.length];
        for (int i = 0; i < args.length; i++) args[i] = convert(given.get(i), kinds[i]);
        Object owner = null;
        if (!java.lang.reflect.Modifier.isStatic(target.getModifiers())) {
            java.lang.reflect.Constructor<?> make = VERIREWARD_CLASS.class.getDeclaredConstructor();
            make.setAccessible(true);
            owner = make.newInstance();
        }
        Object result;
        try {
            result = target.invoke(owner, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
        StringBuilder out = new StringBuilder();
        write(target.getReturnType() == void.class ? null : result, out);
        System.out.flush();
        try (java.io.FileOutputStream channel = new java.io.FileOutputStream("/proc/self/fd/3")) {
            channel.write(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    static void skip() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    static void expect(String word) {
        if (!text.startsWith(word, at)) fail("malformed JSON");
        at += word.length();
    }

    static Object value() {
        skip();
        if (at >= text.length()) fail("malformed JSON");
        char c = text.charAt(at);
        if (c == 'n') { expect("null"); return null; }
        if (c == 't') { expect("true"); return Boolean.TRUE; }
        if (c == 'f') { expect("false"); return Boolean.FALSE; }
        if (c == '"') return string();
        if (c == '[') {
            at++;
            java.util.List<Object> items = new java.util.ArrayList<>();
            skip();
            if (at < text.length() && text.charAt(at) == ']') { at++; return items; }
            while (true) {
                items.add(value());
                skip();
                if (at < text.length() && text.charAt(at) == ',') { at++; continue; }
                expect("]");
                return items;
            }
        }
        if (c == '{') {
            at++;
            java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
            skip();
            if (at < text.length() && text.charAt(at) == '}') { at++; return fields; }
            while (true) {
                skip();
                if (at >= text.length() || text.charAt(at) != '"') fail("malformed JSON object");
                String key = string();
                skip();
                expect(":");
                fields.put(key, value());
                skip();
                if (at < text.length() && text.charAt(at) == ',') { at++; continue; }
                expect("}");
                return fields;
            }
        }
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
        if (start == at) fail("malformed JSON");
        return new java.math.BigDecimal(text.substring(start, at));
    }

    static String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c != '\\') { out.append(c); continue; }
            if (at >= text.length()) fail("malformed JSON string");
            char e = text.charAt(at++);
            switch (e) {
                case 'n': out.append('\n'); break;
                case 't': out.append('\t'); break;
                case 'r': out.append('\r'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'u':
                    if (at + 4 > text.length()) fail("malformed JSON string");
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default: out.append(e);
            }
        }
        expect("\"");
        return out.toString();
    }

    static Object convert(Object json, java.lang.reflect.Type type) {
        Class<?> raw = type instanceof Class ? (Class<?>) type
            : type instanceof java.lang.reflect.ParameterizedType
                ? (Class<?>) ((java.lang.reflect.ParameterizedType) type).getRawType()
                : type instanceof java.lang.reflect.GenericArrayType ? Object[].class : Object.class;
        if (json == null) {
            if (raw.isPrimitive()) fail("null for a " + raw);
            return null;
        }
        if (json instanceof java.math.BigDecimal) {
            java.math.BigDecimal n = (java.math.BigDecimal) json;
            try {
                if (raw == int.class || raw == Integer.class) return n.intValueExact();
                if (raw == long.class || raw == Long.class) return n.longValueExact();
                if (raw == short.class || raw == Short.class) return n.shortValueExact();
                if (raw == byte.class || raw == Byte.class) return n.byteValueExact();
            } catch (ArithmeticException e) {
                fail(n + " is not a " + raw);
            }
            if (raw == double.class || raw == Double.class || raw == Object.class || raw == Number.class) return n.doubleValue();
            if (raw == float.class || raw == Float.class) return n.floatValue();
            if (raw == java.math.BigInteger.class) return n.toBigIntegerExact();
            if (raw == java.math.BigDecimal.class) return n;
        }
        if (json instanceof Boolean && (raw == boolean.class || raw == Boolean.class || raw == Object.class)) return json;
        if (json instanceof String) {
            String s = (String) json;
            if (raw == String.class || raw == Object.class || raw == CharSequence.class) return s;
            if ((raw == char.class || raw == Character.class) && s.length() == 1) return s.charAt(0);
        }
        if (json instanceof java.util.List) {
            java.util.List<?> items = (java.util.List<?>) json;
            if (raw.isArray() || type instanceof java.lang.reflect.GenericArrayType) {
                java.lang.reflect.Type element = type instanceof java.lang.reflect.GenericArrayType
                    ? ((java.lang.reflect.GenericArrayType) type).getGenericComponentType() : raw.getComponentType();
                Class<?> elementClass = element instanceof Class ? (Class<?>) element : Object.class;
                Object array = java.lang.reflect.Array.newInstance(elementClass, items.size());
                for (int i = 0; i < items.size(); i++) java.lang.reflect.Array.set(array, i, convert(items.get(i), element));
                return array;
            }
            if (raw.isAssignableFrom(java.util.ArrayList.class) || raw == java.util.LinkedList.class) {
                java.lang.reflect.Type element = argument(type, 0);
                java.util.List<Object> list = raw == java.util.LinkedList.class ? new java.util.LinkedList<>() : new java.util.ArrayList<>();
                for (Object item : items) list.add(convert(item, element));
                return list;
            }
        }
        if (json instanceof java.util.Map && raw.isAssignableFrom(java.util.HashMap.class)) {
            java.util.Map<Object, Object> map = new java.util.HashMap<>();
            for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) json).entrySet())
                map.put(e.getKey(), convert(e.getValue(), argument(type, 1)));
            return map;
        }
        fail("cannot make a " + type.getTypeName() + " from the argument");
        return null;
    }

    static java.lang.reflect.Type argument(java.lang.reflect.Type type, int index) {
        if (type instanceof java.lang.reflect.ParameterizedType) {
            java.lang.reflect.Type[] args = ((java.lang.reflect.ParameterizedType) type).getActualTypeArguments();
            if (index < args.length) return args[index];
        }
        return Object.class;
    }

    static void write(Object v, StringBuilder out) {
        if (v == null) { out.append("null"); return; }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte || v instanceof java.math.BigInteger) { out.append(v); return; }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                System.err.println("the result is not a finite number");
                System.exit(1);
            }
            out.append(d);
            return;
        }
        if (v instanceof java.math.BigDecimal) { out.append(((java.math.BigDecimal) v).toString()); return; }
        if (v instanceof Character || v instanceof CharSequence) { quote(v.toString(), out); return; }
        if (v.getClass().isArray()) {
            out.append('[');
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                if (i > 0) out.append(',');
                write(java.lang.reflect.Array.get(v, i), out);
            }
            out.append(']');
            return;
        }
        if (v instanceof Iterable) {
            out.append('[');
            boolean first = true;
            for (Object item : (Iterable<?>) v) {
                if (!first) out.append(',');
                first = false;
                write(item, out);
            }
            out.append(']');
            return;
        }
        if (v instanceof java.util.Map) {
            out.append('{');
            boolean first = true;
            for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) v).entrySet()) {
                if (!first) out.append(',');
                first = false;
                quote(String.valueOf(e.getKey()), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
            return;
        }
        System.err.println("the result is a " + v.getClass().getName() + ", not a plain value");
        System.exit(1);
    }

    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"') out.append("\\\"");
            else if (c == '\\') out.append("\\\\");
            else if (c == '\n') out.append("\\n");
            else if (c == '\r') out.append("\\r");
            else if (c == '\t') out.append("\\t");
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        out.append('"');
    }
}
