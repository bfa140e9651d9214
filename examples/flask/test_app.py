import unittest

from app import app, version


class AppTest(unittest.TestCase):
    def setUp(self):
        self.client = app.test_client()

    def test_index_shows_the_version(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertIn(version(), response.get_data(as_text=True))

    def test_version_comes_from_the_version_file(self):
        self.assertRegex(version(), r"^\S+$")

    def test_healthz(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.get_data(as_text=True), "ok")


if __name__ == "__main__":
    unittest.main()
