package io.orderflow.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Line charts drawn with Java2D into PNG files (headless). */
final class Charts {

    record Series(String name, double[] x, double[] y) {}

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
    };

    private Charts() {}

    static void line(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 960;
        int h = 380;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double xMax = 1e-9;
        double yMax = 1e-9;
        double xMin = Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMax = Math.max(xMax, s.x()[i]);
                xMin = Math.min(xMin, s.x()[i]);
                if (!Double.isNaN(s.y()[i])) {
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (xMin == Double.MAX_VALUE || xMin >= xMax) {
            xMin = 0;
        }
        yMax = niceCeiling(yMax);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            int y = top + ph - ph * i / 5;
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(yMax * i / 5), 8, y + 4);
        }
        for (int i = 0; i <= 10; i++) {
            int x = left + pw * i / 10;
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(xMin + (xMax - xMin) * i / 10), x - 8, top + ph + 16);
        }
        g.drawRect(left, top, pw, ph);
        g.drawString(xLabel, left + pw / 2 - 30, h - 12);
        g.drawString(yLabel, left, top - 4 + 0 * h);
        int lx = left + pw - 10;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(COLORS[k % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isNaN(s.y()[i])) {
                    px = -1;
                    continue;
                }
                int x = left + (int) Math.round(pw * (s.x()[i] - xMin) / (xMax - xMin));
                int y = top + ph - (int) Math.round(ph * Math.min(s.y()[i], yMax) / yMax);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                } else {
                    g.fillOval(x - 2, y - 2, 4, 4);
                }
                px = x;
                py = y;
            }
            int tw = g.getFontMetrics().stringWidth(s.name());
            g.fillRect(lx - tw - 18, top + 8 + k * 16, 12, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), lx - tw, top + 14 + k * 16);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v >= 100 || v == Math.rint(v) ? String.valueOf(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
}
